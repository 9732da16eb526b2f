using Energy.Contracts.Agents;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.Dispatch;
using Energy.Scheduler.Tests.Controller.Agents;

namespace Energy.Scheduler.Tests.Controller.Dispatch;

/// <summary>A site of 1000 W base load and pool "p" (200–700 W, idle 80 W, no cooling overhead); the default shed order.</summary>
public class CapShedderTests
{
    private static readonly DateTimeOffset Until = FleetRig.Start.AddMinutes(5);

    private static readonly Contracts.Sites.Site Site = FleetRig.MakeSite(100_000);

    private static GpuAssignment Work(string gpu, double watts, ShedStep? shed) =>
        new(gpu, "work", Power.FromWatts(watts), Until, 1) { Shed = shed };

    private static readonly SiteLoad Load = new(Site);

    private static (IReadOnlyList<GpuAssignment> Result, List<string> Explanations) Fit(double capW, params GpuAssignment[] wanted) =>
        Fit(capW, wanted.Select(a => a.GpuId).ToHashSet(StringComparer.Ordinal), wanted);

    private static (IReadOnlyList<GpuAssignment> Result, List<string> Explanations) Fit(double capW, HashSet<string> commandable, params GpuAssignment[] wanted)
    {
        var explanations = new List<string>();
        var result = CapShedder.Fit(Site.Policy.ShedOrder, Power.FromWatts(capW), Site.Grid.BaseLoad, wanted, commandable,
            a => Load.GridOfCommand("p", a.Workload, a.PowerTarget), a => a with { Workload = null, PowerTarget = Site.Pool("p").IdlePowerPerGpu, Shed = null },
            "a curtailment", explanations);
        return (result, explanations);
    }

    private static string[] Shed(IReadOnlyList<GpuAssignment> result) => [.. result.Where(a => a.Workload is null).Select(a => a.GpuId)];

    [Fact]
    public void Fit_UnderTheCap_WantedUnchanged()
    {
        GpuAssignment[] wanted = [Work("p/0", 500, ShedStep.Mining)];

        var (result, explanations) = Fit(1500, wanted);

        Assert.Same(wanted, result);
        Assert.Empty(explanations);
    }

    [Fact]
    public void Fit_OverTheCap_MiningBeforeALargerHeater()
    {
        var (result, explanations) = Fit(BaseAnd(1100),
            Work("p/0", 700, ShedStep.Heater), Work("p/1", 500, ShedStep.Mining), Work("p/2", 300, ShedStep.InferenceAboveSla));

        Assert.Equal(["p/1"], Shed(result));
        var idle = result.Single(a => a.GpuId == "p/1");
        Assert.Equal((80.0, (ShedStep?)null), (idle.PowerTarget.Watts, idle.Shed));
        Assert.Equal("holding the site under 2.1 kW (a curtailment): 1 GPUs shed in the shed order (0.4 kW)", Assert.Single(explanations));
    }

    [Fact]
    public void Fit_OverTheCap_LargestOfAStepFirstAndStopsOnceUnder()
    {
        var (result, _) = Fit(BaseAnd(300 + 600 + 400 - 520),
            Work("p/0", 300, ShedStep.Mining), Work("p/1", 600, ShedStep.Mining), Work("p/2", 400, ShedStep.Mining));

        Assert.Equal(["p/1"], Shed(result));
    }

    [Fact]
    public void Fit_MiningNotEnough_HeaterNextInferenceAboveSlaKept()
    {
        var (result, _) = Fit(BaseAnd(80 + 80 + 500),
            Work("p/0", 500, ShedStep.InferenceAboveSla), Work("p/1", 500, ShedStep.Heater), Work("p/2", 500, ShedStep.Mining));

        Assert.Equal(["p/1", "p/2"], Shed(result));
        Assert.Equal(500, result[0].PowerTarget.Watts);
    }

    [Fact]
    public void Fit_OnlyWorkPolicyProtects_NothingShedAndSaidSo()
    {
        GpuAssignment[] wanted = [Work("p/0", 700, ShedStep.InferenceSla), Work("p/1", 700, null), Work("p/2", 300, ShedStep.Mining)];

        var (result, explanations) = Fit(1000, wanted);

        Assert.Equal(["p/2"], Shed(result));
        Assert.Equal(["p/0", "p/1", "p/2"], result.Select(a => a.GpuId));
        Assert.Equal(2, explanations.Count);
        Assert.Equal("holding the site under 1 kW (a curtailment) is not possible: work the policy forbids shedding keeps it at 2.5 kW; increases stay held, nothing more is shed",
            explanations[1]);
    }

    [Fact]
    public void Fit_GpuThatCannotBeCommanded_LeftAsIsAndNotCounted()
    {
        GpuAssignment[] wanted = [Work("p/0", 700, ShedStep.Mining), Work("x/0", 700, ShedStep.Mining)];

        var (result, _) = Fit(BaseAnd(600), new HashSet<string>(StringComparer.Ordinal) { "p/0" }, wanted);

        Assert.Equal(["p/0"], Shed(result));
        Assert.Equal("work", result[1].Workload);
    }

    private static double BaseAnd(double gpuW) => FleetRig.BaseW + gpuW;
}
