using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.MeritOrder;

namespace Energy.Scheduler.Tests.Planning;

/// <summary>Curtailments and offline agents as the planners see them.</summary>
public sealed class PlanningConditionsTests
{
    private static readonly DateTimeOffset T0 = PlanningInputs.Start;
    private static readonly Power Contract = Power.FromKilowatts(900);

    [Fact]
    public void CapFor_WindowTouchingPartOfTheSlot_CapsTheWholeSlot()
    {
        var conditions = Curtailed(Power.FromKilowatts(500), T0.AddMinutes(50), T0.AddMinutes(70));

        Assert.Equal(500, conditions.CapFor(Contract, T0, T0.AddHours(1)).Kilowatts);
        Assert.Equal(500, conditions.CapFor(Contract, T0.AddHours(1), T0.AddHours(2)).Kilowatts);
        Assert.Equal(900, conditions.CapFor(Contract, T0.AddHours(2), T0.AddHours(3)).Kilowatts);
        Assert.Equal(900, conditions.CapFor(Contract, T0.AddMinutes(-60), T0.AddMinutes(50)).Kilowatts);   // ends as the window starts
    }

    [Fact]
    public void CapFor_OverlappingWindows_TheLowestAndNeverAboveTheContract()
    {
        var conditions = new PlanningConditions(
        [
            new CapWindow(T0, T0.AddHours(2), Power.FromKilowatts(600), "a"),
            new CapWindow(T0.AddHours(1), T0.AddHours(3), Power.FromKilowatts(400), "b"),
            new CapWindow(T0, T0.AddHours(4), Power.FromKilowatts(1200), "above the contract"),
        ], []);

        Assert.Equal([600.0, 400, 400, 900], Enumerable.Range(0, 4).Select(h => conditions.CapFor(Contract, T0.AddHours(h), T0.AddHours(h + 1)).Kilowatts));
    }

    [Fact]
    public void ApplyTo_TakesUnavailableGpusOutOfTheirPoolsOnly()
    {
        var site = TestSites.Bathhouse();
        var conditions = new PlanningConditions([], [new UnavailableGpus("liquid-h100", 24, "agent n1 offline"), new UnavailableGpus("air-l40s", 999, "agent n2 offline")]);

        var applied = conditions.ApplyTo(site);

        Assert.Equal((1000, 0), (applied.Pool("liquid-h100").Count, applied.Pool("air-l40s").Count));
        Assert.Equal(1280, site.TotalGpus);

        // They take no work but still draw their idle power, with cooling: it moves into the base load.
        var liquid = site.Pool("liquid-h100");
        var air = site.Pool("air-l40s");
        var held = liquid.GridPowerFor(liquid.IdlePowerPerGpu * 24) + air.GridPowerFor(air.IdlePowerPerGpu * 256);
        Assert.Equal((site.Grid.BaseLoad + held).Watts, applied.Grid.BaseLoad.Watts, 6);
        var idleGridW = (Site s) => s.Grid.BaseLoad.Watts + s.Pools.Sum(p => p.GridPowerFor(p.IdlePower).Watts);
        Assert.Equal(idleGridW(site), idleGridW(applied), 6);
        Assert.Same(site, PlanningConditions.None.ApplyTo(site));
    }

    [Fact]
    public void ApplyTo_SafeStatePowerGiven_CountedAtItAndNoPoolBelowZero()
    {
        var site = TestSites.Bathhouse();
        var pool = site.Pool("air-l40s");
        var conditions = new PlanningConditions([],
        [
            new UnavailableGpus("air-l40s", 200, "agent n1 offline", Power.FromWatts(100)),
            new UnavailableGpus("air-l40s", 200, "loop hot"),
            new UnavailableGpus("no-such-pool", 5, "stale"),
        ]);

        var applied = conditions.ApplyTo(site);

        Assert.Equal(0, applied.Pool("air-l40s").Count);
        var expected = pool.GridPowerFor(Power.FromWatts(100) * 200) + pool.GridPowerFor(pool.IdlePowerPerGpu * 56);
        Assert.Equal((site.Grid.BaseLoad + expected).Watts, applied.Grid.BaseLoad.Watts, 6);
    }

    [Theory]
    [MemberData(nameof(PlannerContractTests.Planners), MemberType = typeof(PlannerContractTests))]
    public void CreatePlan_Curtailment_SlotsItTouchesPlannedUnderItsCap(string name)
    {
        var site = TestSites.Bathhouse();
        var cap = Power.FromKilowatts(500);
        var conditions = Curtailed(cap, T0.AddHours(2).AddMinutes(30), T0.AddHours(4));
        var input = PlanningInputs.Hourly(site, [-50, -50, -50, -50, -50, -50], heatDemandKw: 700) with { Conditions = conditions };

        var plan = PlannerContractTests.Create(name).CreatePlan(input);

        var imports = plan.Slots.Select(s => Math.Round(s.GridImport.Kilowatts)).ToList();
        Assert.All([2, 3], i => Assert.True(plan.Slots[i].GridImport <= cap, $"slot {i}: {imports[i]} kW over the curtailed 500 kW"));
        Assert.All([0, 1, 4, 5], i => Assert.True(plan.Slots[i].GridImport.Kilowatts > 800, $"slot {i}: {imports[i]} kW; the contract cap should bind"));
        Assert.All(plan.Slots, s => Assert.Empty(s.Violations));
        Assert.Contains(plan.Slots[2].Explanations, e => e.StartsWith("grid cap binding", StringComparison.Ordinal) && e.Contains("of 500 kW cap", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(PlannerContractTests.Planners), MemberType = typeof(PlannerContractTests))]
    public void CreatePlan_GpusPlannedAround_PoolGivesAtMostTheRest(string name)
    {
        var site = TestSites.Bathhouse();
        var conditions = new PlanningConditions([], [new UnavailableGpus("air-l40s", 200, "agent n2 offline")]);
        var input = PlanningInputs.Hourly(conditions.ApplyTo(site), [-50, 40], heatDemandKw: 700) with { Conditions = conditions };

        var plan = PlannerContractTests.Create(name).CreatePlan(input);

        Assert.All(plan.Slots, s => Assert.InRange(s.Allocations.Where(a => a.Pool == "air-l40s").Sum(a => a.Gpus), 0, 56));
        Assert.Contains(plan.Slots, s => s.Allocations.Where(a => a.Pool == "air-l40s").Sum(a => a.Gpus) > 0);
    }

    [Fact]
    public void Explain_NamesTheCurtailmentInTheSlotsItTouchesAndTheGpusInEverySlot()
    {
        var site = TestSites.Bathhouse();
        var conditions = new PlanningConditions(
            [new CapWindow(T0.AddHours(1), T0.AddHours(2), Power.FromKilowatts(500), "curtailment tso-1 (FCR test)")],
            [new UnavailableGpus("liquid-h100", 8, "agent n1 offline")]);
        var plan = new MeritOrderPlanner().CreatePlan(PlanningInputs.Hourly(site, [40, 40, 40], heatDemandKw: 400) with { Conditions = conditions });

        var explained = conditions.Explain(plan, site);

        Assert.All(explained.Slots, s => Assert.Contains("pool liquid-h100: 8 of 1024 GPUs planned around (agent n1 offline)", s.Explanations));
        Assert.Equal([false, true, false], explained.Slots.Select(s => s.Explanations.Any(e =>
            e.StartsWith("grid cap lowered to 500 kW (contract 900 kW) until 02:00 UTC: curtailment tso-1 (FCR test)", StringComparison.Ordinal))));
        Assert.Same(plan, PlanningConditions.None.Explain(plan, site));
    }

    [Fact]
    public void Key_ChangesWithTheConditionsOnly()
    {
        var a = Curtailed(Power.FromKilowatts(500), T0, T0.AddHours(1));
        var b = Curtailed(Power.FromKilowatts(500), T0, T0.AddHours(1));
        var c = Curtailed(Power.FromKilowatts(400), T0, T0.AddHours(1));
        var d = a with { Unavailable = [new UnavailableGpus("p", 1, "x")] };

        Assert.Equal(a.Key, b.Key);
        Assert.Equal(4, new[] { PlanningConditions.None.Key, a.Key, c.Key, d.Key }.Distinct().Count());
    }

    [Fact]
    public void CapFor_WithTheMetersMargin_TheCapInForceLessTheMargin()
    {
        var conditions = Curtailed(Power.FromKilowatts(500), T0, T0.AddHours(1)) with { CapMargin = 0.02 };

        Assert.Equal(490, conditions.CapFor(Contract, T0, T0.AddHours(1)).Kilowatts, precision: 9);
        Assert.Equal(882, conditions.CapFor(Contract, T0.AddHours(2), T0.AddHours(3)).Kilowatts, precision: 9);
    }

    [Fact]
    public void ApplyTo_MeasuredBaseLoad_ReplacesTheSiteFilesAndStillAddsGpusPlannedAround()
    {
        var site = TestSites.Bathhouse();
        var measured = new PlanningConditions([], []) { BaseLoad = Power.FromKilowatts(260), BaseLoadWhy = "measured by the site meter" };
        var both = measured with { Unavailable = [new UnavailableGpus("liquid-h100", 10, "agent n1 offline")] };

        Assert.Equal(260, measured.ApplyTo(site).Grid.BaseLoad.Kilowatts, precision: 9);
        var liquid = site.Pool("liquid-h100");
        Assert.Equal(260 + liquid.GridPowerFor(liquid.IdlePowerPerGpu * 10).Kilowatts, both.ApplyTo(site).Grid.BaseLoad.Kilowatts, precision: 9);
        Assert.False(measured.IsNone);
    }

    [Fact]
    public void Explain_CurtailmentEndingOnAnotherDay_SaysItsDate()
    {
        var site = TestSites.Bathhouse();
        var until = T0.AddHours(24).AddMinutes(48);
        var conditions = new PlanningConditions([new CapWindow(T0, until, Power.FromKilowatts(500), "curtailment day-long")], []);
        var plan = new MeritOrderPlanner().CreatePlan(PlanningInputs.Hourly(site, [40, 40], heatDemandKw: 400) with { Conditions = conditions });

        var explained = conditions.Explain(plan, site);

        const string expected = "until 2024-01-16 00:48 UTC: curtailment day-long";     // the plan is made on 15 January
        Assert.All(explained.Slots, s => Assert.Contains(s.Explanations, e => e.EndsWith(expected, StringComparison.Ordinal)));
    }

    [Fact]
    public void Explain_MeasuredBaseLoadAwayFromTheSiteFiles_EverySlotSaysSo()
    {
        var site = TestSites.Bathhouse();
        var conditions = new PlanningConditions([], []) { BaseLoad = Power.FromKilowatts(260), BaseLoadWhy = "measured by the site meter" };
        var plan = new MeritOrderPlanner().CreatePlan(PlanningInputs.Hourly(conditions.ApplyTo(site), [40, 40], heatDemandKw: 400) with { Conditions = conditions });

        var explained = conditions.Explain(plan, site);

        Assert.All(explained.Slots, s => Assert.Equal(
            "planned with 260 kW of load HeatGrid does not control, measured by the site meter (site file: 60 kW)", s.Explanations[0]));
    }

    [Theory]
    [InlineData(60, 77, true)]
    [InlineData(60, 79, false)]
    [InlineData(60, 43, true)]
    [InlineData(60, 41, false)]
    public void SameAs_BaseLoadWithinTwoPercentOfTheCap_NoReplan(double plannedKw, double nowKw, bool same)
    {
        var planned = new PlanningConditions([], []) { BaseLoad = Power.FromKilowatts(plannedKw) };
        var now = planned with { BaseLoad = Power.FromKilowatts(nowKw) };

        var grid = TestSites.Bathhouse().Grid;
        Assert.Equal(same, now.SameAs(planned, grid));
        Assert.Equal(same, now.SameAs(PlanningConditions.None, grid));   // planned with the site file's 60 kW
        Assert.True((planned with { BaseLoad = null }).SameAs(planned, grid));
    }

    private static PlanningConditions Curtailed(Power cap, DateTimeOffset from, DateTimeOffset until) =>
        new([new CapWindow(from, until, cap, "test")], []);
}
