using Energy.Contracts.Configuration;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.TestSupport.Sites;

/// <summary>Sites for tests: the shipped examples as loaded from disk, and small sites built in code.</summary>
public static class TestSites
{
    public static TimeZoneInfo Berlin { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>The shipped bathhouse example, loaded and validated.</summary>
    public static Site Bathhouse() => SiteFile.LoadOrThrow(RepoPaths.Example("bathhouse.yaml"));

    /// <summary>A GPU pool with H100-like power limits.</summary>
    public static GpuPool Pool(string name, int count, string? heatLoop = null, double minW = 200, double idleW = 80, double maxW = 700) =>
        new(name, "H100 SXM 80GB", count, Power.FromWatts(minW), Power.FromWatts(idleW), Power.FromWatts(maxW), heatLoop, 0.04);

    /// <summary>A site in Berlin with the given pools, one heat loop named "bath" and a heater workload.</summary>
    public static Site With(params GpuPool[] pools) => new()
    {
        Name = "test-site",
        TimeZone = Berlin,
        Currency = Currency.Eur,
        Grid = new GridConnection(
            Power.FromKilowatts(900),
            Power.FromKilowatts(60),
            new GridTariff(EnergyPrice.EurPerMwh(25), EnergyPrice.EurPerMwh(15))),
        Pools = pools,
        HeatLoops = [TestHeatLoops.Loop()],
        Workloads = [new HeaterWorkload("heater", [])],
        Policy = new OperatorPolicy(OperatorPolicy.DefaultShedOrder, null, null, TimeSpan.FromMinutes(15), SafeState.Idle),
    };
}
