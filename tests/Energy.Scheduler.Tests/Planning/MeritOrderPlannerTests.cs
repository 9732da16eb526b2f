using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Contracts.Time;
using Energy.Scheduler.Planning;

namespace Energy.Scheduler.Tests.Planning;

public sealed class MeritOrderPlannerTests
{
    private readonly MeritOrderPlanner _planner = new();

    [Fact]
    public void CreatePlan_RandomPricesAndDemand_NeverPlansAboveTheGridCap()
    {
        var site = TestSites.Bathhouse();
        var random = new Random(42);
        for (var run = 0; run < 20; run++)
        {
            var prices = Enumerable.Range(0, 24).Select(_ => (random.NextDouble() * 400) - 100).ToArray();
            var plan = _planner.CreatePlan(PlanningInputs.Hourly(site, prices, heatDemandKw: random.NextDouble() * 900));

            Assert.Equal(24, plan.Slots.Count);
            Assert.All(plan.Slots, s => Assert.True(s.GridImport <= site.Grid.ImportCap, $"{s.Start}: {s.GridImport} > cap"));
        }
    }

    [Fact]
    public void CreatePlan_EverySlot_MeetsTheTenantSla()
    {
        var site = TestSites.Bathhouse();
        var tenant = site.Workloads.OfType<InferenceWorkload>().Single();
        var plan = _planner.CreatePlan(PlanningInputs.Hourly(site, Enumerable.Repeat(900.0, 24).ToArray(), 300));

        Assert.All(plan.Slots, s => Assert.True(Gpus(s, tenant.Name) >= tenant.SlaMinGpus));
        Assert.All(plan.Slots, s => Assert.Empty(s.Violations));
    }

    [Fact]
    public void CreatePlan_PriceAboveThePolicyLimit_RunsOnlySlaWork()
    {
        var site = TestSites.Bathhouse();
        var tenant = site.Workloads.OfType<InferenceWorkload>().Single();
        var plan = _planner.CreatePlan(PlanningInputs.Hourly(site, [600], heatDemandKw: 500));

        var slot = plan.Slots.Single();
        Assert.Equal(tenant.SlaMinGpus, Gpus(slot, tenant.Name));
        Assert.Equal(0, Gpus(slot, "mining"));
        Assert.Contains(slot.Explanations, e => e.Contains("only SLA work runs", StringComparison.Ordinal));
    }

    [Fact]
    public void CreatePlan_NegativePrice_RunsEveryGpuTheCapAllowsAndExplainsTheCap()
    {
        var site = TestSites.Bathhouse();
        var plan = _planner.CreatePlan(PlanningInputs.Hourly(site, [-80], heatDemandKw: 700));

        var slot = plan.Slots.Single();
        Assert.True(Gpus(slot, "mining") > 0);
        Assert.True(slot.GridImport.Kilowatts > site.Grid.ImportCap.Kilowatts * 0.9, $"import {slot.GridImport}");
        Assert.True(slot.GridImport <= site.Grid.ImportCap);
        Assert.Contains(slot.Explanations, e => e.StartsWith("grid cap binding", StringComparison.Ordinal));
    }

    [Fact]
    public void CreatePlan_ExpensiveSummerHourWithoutHeatDemand_LeavesMiningOffAndSaysWhy()
    {
        var site = TestSites.Bathhouse();
        var input = PlanningInputs.Hourly(site, [250], heatDemandKw: 0);
        var full = input with { Stored = site.HeatLoops.ToDictionary(l => l.Name, l => l.Storage!.Capacity) };

        var slot = _planner.CreatePlan(full).Slots.Single();

        Assert.Equal(0, Gpus(slot, "mining"));
        Assert.Contains(slot.Explanations, e => e.StartsWith("mining off: worth 110", StringComparison.Ordinal));
    }

    [Fact]
    public void CreatePlan_CheapHourWithHeatDemandAndWorthlessMining_PrefersTheHeaterOnTheHeatLoop()
    {
        var site = TestSites.BathhouseWith("revenuePerUnit: 0.0011", "revenuePerUnit: 0");
        var slot = _planner.CreatePlan(PlanningInputs.Hourly(site, [-30], heatDemandKw: 600)).Slots.Single();

        var heater = slot.Allocations.Where(a => a.Workload == "heater").ToList();
        Assert.NotEmpty(heater);
        Assert.All(heater, a => Assert.Equal("liquid-h100", a.Pool));
    }

    [Fact]
    public void CreatePlan_HeatBalanceOfEverySlot_Closes()
    {
        var site = TestSites.Bathhouse();
        var prices = Enumerable.Range(0, 24).Select(h => 40.0 + (10 * h)).ToArray();
        var plan = _planner.CreatePlan(PlanningInputs.Hourly(site, prices, heatDemandKw: 450));

        foreach (var h in plan.Slots.SelectMany(s => s.Heat))
        {
            // Sources = sinks: captured + tank discharge + boiler + shortfall = consumer + tank charge + dry cooler.
            var sources = h.Captured + h.FromStorage + h.Boiler + h.Shortfall;
            var sinks = h.Demand + h.ToStorage + h.Dumped;
            Assert.Equal(sinks.Kilowatts, sources.Kilowatts, precision: 6);
        }
    }

    [Fact]
    public void CreatePlan_CapBelowIdleLoad_StillReturnsAPlanAndNamesTheViolation()
    {
        var site = TestSites.BathhouseWith("importCapKw: 900", "importCapKw: 120");
        var plan = _planner.CreatePlan(PlanningInputs.Hourly(site, [50], heatDemandKw: 300));

        var slot = plan.Slots.Single();
        Assert.Contains(slot.Violations, v => v.StartsWith("grid cap", StringComparison.Ordinal));
        Assert.Contains(slot.Violations, v => v.Contains("SLA", StringComparison.Ordinal));
    }

    [Fact]
    public void CreatePlan_SpringDstDayInQuarterHours_Plans92Slots()
    {
        var site = TestSites.Bathhouse();
        var day = new DateOnly(2024, 3, 31);
        var slots = MarketCalendar.SlotsOfLocalDay(day, site.TimeZone, TimeSpan.FromMinutes(15));
        var input = PlanningInputs.Hourly(site, Enumerable.Repeat(60.0, slots.Count).ToArray(), 400, slots[0], TimeSpan.FromMinutes(15));

        var plan = _planner.CreatePlan(input);

        Assert.Equal(92, plan.Slots.Count);
        Assert.Equal(slots, plan.Slots.Select(s => s.Start));
    }

    [Fact]
    public void CreatePlan_SameInput_SamePlan()
    {
        var site = TestSites.Bathhouse();
        var prices = Enumerable.Range(0, 24).Select(h => Math.Sin(h) * 120).ToArray();
        var a = _planner.CreatePlan(PlanningInputs.Hourly(site, prices, 500));
        var b = _planner.CreatePlan(PlanningInputs.Hourly(site, prices, 500));

        Assert.Equal(
            a.Slots.SelectMany(s => s.Allocations).Select(x => (x.Pool, x.Workload, x.Gpus)),
            b.Slots.SelectMany(s => s.Allocations).Select(x => (x.Pool, x.Workload, x.Gpus)));
    }

    private static int Gpus(PlanSlot slot, string workload) => slot.Allocations.Where(a => a.Workload == workload).Sum(a => a.Gpus);
}
