namespace Energy.Scheduler.Books;

/// <summary>
/// The signals the ledger reads, by default those of the shipped site files (ops/examples/bathhouse.yaml): the site
/// meter's energy register and power, and per heat loop the heat meter's register, power and supply temperature, the
/// boiler's heat and the dry cooler's. A site whose signals are named otherwise gives its own names here.
/// </summary>
public sealed record LedgerSignals
{
    public static LedgerSignals Default { get; } = new();

    /// <summary>The site meter's import energy register (kWh).</summary>
    public string ImportEnergyKwh { get; init; } = "grid.importEnergyKwh";

    /// <summary>The site meter's import power (kW), integrated where the register is Bad or absent.</summary>
    public string ImportPowerKw { get; init; } = "grid.meteredImportKw";

    /// <summary>Suffixes after the loop's name (<c>{loop}.heatEnergyKwh</c>…).</summary>
    public string HeatEnergyKwhSuffix { get; init; } = ".heatEnergyKwh";

    public string HeatPowerKwSuffix { get; init; } = ".heatDeliveredKw";

    public string SupplyTemperatureCSuffix { get; init; } = ".supplyTemperatureC";

    public string BoilerKwSuffix { get; init; } = ".boilerKw";

    public string DumpedKwSuffix { get; init; } = ".heatDumpedKw";

    /// <summary>A power or temperature older than this is not used (registers may lag: a meter module refreshes them every 2–600 s).</summary>
    public TimeSpan MaxPowerAge { get; init; } = TimeSpan.FromSeconds(10);

    public string HeatEnergyKwh(string loop) => loop + HeatEnergyKwhSuffix;

    public string HeatPowerKw(string loop) => loop + HeatPowerKwSuffix;

    public string SupplyTemperatureC(string loop) => loop + SupplyTemperatureCSuffix;

    public string BoilerKw(string loop) => loop + BoilerKwSuffix;

    public string DumpedKw(string loop) => loop + DumpedKwSuffix;
}
