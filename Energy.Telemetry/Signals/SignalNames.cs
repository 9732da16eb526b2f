namespace Energy.Telemetry.Signals;

/// <summary>Names of the signals HeatGrid itself relies on.</summary>
public static class SignalNames
{
    public static string HeatDemandKw(string loop) => $"{loop}.heatDemandKw";

    public static string TankStoredKwh(string loop) => $"{loop}.tankStoredKwh";

    public const string SpotPrice = "grid.spotPricePerMwh";
}
