namespace Energy.Telemetry.Signals;

/// <summary>Names of the signals HeatGrid itself relies on.</summary>
public static class SignalNames
{
    /// <summary>What the loop's consumer wants: a site's own total-load meter, or derived as delivered + boiler + shortfall.</summary>
    public static string HeatDemandKw(string loop) => $"{loop}.heatDemandKw";

    /// <summary>Heat HeatGrid delivered to the consumer (GPUs directly and the tank): the consumer's heat meter.</summary>
    public static string HeatDeliveredKw(string loop) => $"{loop}.heatDeliveredKw";

    /// <summary>The boiler's heat to the consumer. Heat it puts into the tank is not in it: that reaches the consumer later, through the tank, as delivered heat.</summary>
    public static string BoilerKw(string loop) => $"{loop}.boilerKw";

    /// <summary>Demand nobody served.</summary>
    public static string HeatShortfallKw(string loop) => $"{loop}.heatShortfallKw";

    public static string TankStoredKwh(string loop) => $"{loop}.tankStoredKwh";

    /// <summary>GPUs a tenant's inference workload wants now, as the tenant reports it.</summary>
    public static string TenantDemandGpus(string workload) => $"tenant.{workload}.demandGpus";

    public const string OutdoorTemperatureC = "grid.outdoorTemperatureC";

    public const string SpotPrice = "grid.spotPricePerMwh";
}
