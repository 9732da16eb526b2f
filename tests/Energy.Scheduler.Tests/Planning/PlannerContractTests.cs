using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Contracts.Time;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Lp;
using Energy.Scheduler.Planning.MeritOrder;

namespace Energy.Scheduler.Tests.Planning;

/// <summary>
/// What every planner behind <see cref="IPlanner"/> must do: the LP optimizer and the merit order it
/// falls back to. What only the LP does (planning the tank ahead, beating the merit order) is in
/// <c>LpPlannerTests</c>.
/// </summary>
public sealed class PlannerContractTests
{
    public static TheoryData<string> Planners => ["lp", "merit-order"];

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_RandomPricesAndDemand_NeverPlansAboveTheGridCapAndMeetsEveryLimit(string planner)
    {
        var site = TestSites.Bathhouse();
        var random = new Random(42);
        for (var run = 0; run < 20; run++)
        {
            var prices = Enumerable.Range(0, 24).Select(_ => (random.NextDouble() * 400) - 100).ToArray();
            var plan = Create(planner).CreatePlan(PlanningInputs.Hourly(site, prices, heatDemandKw: random.NextDouble() * 900));

            Assert.Equal(24, plan.Slots.Count);
            Assert.All(plan.Slots, s => Assert.True(s.GridImport <= site.Grid.ImportCap, $"{s.Start}: {s.GridImport} > cap"));
            Assert.All(plan.Slots, s => Assert.Empty(s.Violations));
        }
    }

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_EverySlot_MeetsTheTenantSla(string planner)
    {
        var site = TestSites.Bathhouse();
        var tenant = site.Workloads.OfType<InferenceWorkload>().Single();
        var plan = Create(planner).CreatePlan(PlanningInputs.Hourly(site, Enumerable.Repeat(900.0, 24).ToArray(), 300));

        Assert.All(plan.Slots, s => Assert.True(Gpus(s, tenant.Name) >= tenant.SlaMinGpus));
        Assert.All(plan.Slots, s => Assert.Empty(s.Violations));
    }

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_PriceAboveThePolicyLimit_RunsOnlySlaWork(string planner)
    {
        var site = TestSites.Bathhouse();
        var tenant = site.Workloads.OfType<InferenceWorkload>().Single();
        var plan = Create(planner).CreatePlan(PlanningInputs.Hourly(site, [600], heatDemandKw: 500));

        var slot = plan.Slots.Single();
        Assert.Equal(tenant.SlaMinGpus, Gpus(slot, tenant.Name));
        Assert.Equal(0, Gpus(slot, "mining"));
        Assert.Contains(slot.Explanations, e => e.Contains("only SLA work runs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("lp", 0.99, "grid cap binding: shadow price")]
    [InlineData("merit-order", 0.9, "grid cap binding: import")]
    public void CreatePlan_NegativePrice_RunsEveryGpuTheCapAllowsAndExplainsTheCap(string planner, double capShare, string explanation)
    {
        var site = TestSites.Bathhouse();
        var plan = Create(planner).CreatePlan(PlanningInputs.Hourly(site, [-80], heatDemandKw: 700));

        var slot = plan.Slots.Single();
        Assert.True(Gpus(slot, "mining") > 0);
        Assert.True(slot.GridImport.Kilowatts > site.Grid.ImportCap.Kilowatts * capShare, $"import {slot.GridImport}");
        Assert.True(slot.GridImport <= site.Grid.ImportCap);
        Assert.Contains(slot.Explanations, e => e.StartsWith(explanation, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("lp", "> its value 110")]
    [InlineData("merit-order", "worth 110")]
    public void CreatePlan_ExpensiveSummerHourWithFullTank_LeavesMiningOffAndSaysWhy(string planner, string why)
    {
        var site = TestSites.Bathhouse();
        var input = PlanningInputs.Hourly(site, [250], heatDemandKw: 0);
        var full = input with { Stored = site.HeatLoops.ToDictionary(l => l.Name, l => l.Storage!.Capacity) };

        var slot = Create(planner).CreatePlan(full).Slots.Single();

        Assert.Equal(0, Gpus(slot, "mining"));
        Assert.Contains(slot.Explanations, e => e.StartsWith("mining off: ", StringComparison.Ordinal) && e.Contains(why, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_CheapHourWithHeatDemandAndWorthlessMining_PrefersTheHeaterOnTheHeatLoop(string planner)
    {
        var site = TestSites.BathhouseWith("revenuePerUnit: 0.0011", "revenuePerUnit: 0");
        var slot = Create(planner).CreatePlan(PlanningInputs.Hourly(site, [-30], heatDemandKw: 600)).Slots.Single();

        var heater = slot.Allocations.Where(a => a.Workload == "heater").ToList();
        Assert.NotEmpty(heater);
        Assert.All(heater, a => Assert.Equal("liquid-h100", a.Pool));
    }

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_HeatBalanceOfEverySlot_ClosesAndTheTankFollowsItsDynamics(string planner)
    {
        var site = TestSites.Bathhouse();
        var tank = site.HeatLoops[0].Storage!;
        var random = new Random(7);
        for (var run = 0; run < 10; run++)
        {
            var prices = Enumerable.Range(0, 48).Select(_ => (random.NextDouble() * 300) - 50).ToArray();
            var plan = Create(planner).CreatePlan(PlanningInputs.Hourly(site, prices, heatDemandKw: random.NextDouble() * 800));
            var stored = tank.Initial.KilowattHours;
            foreach (var h in plan.Slots.SelectMany(s => s.Heat))
            {
                // Sources = sinks: captured + tank discharge + boiler + shortfall = consumer + tank charge + dry cooler.
                var sources = h.Captured + h.FromStorage + h.Boiler + h.Shortfall;
                var sinks = h.Demand + h.ToStorage + h.Dumped;
                Assert.Equal(sinks.Kilowatts, sources.Kilowatts, precision: 6);
                Assert.True(h.Dumped <= site.HeatLoops[0].DryCooler + Power.FromWatts(1), $"dumped {h.Dumped}");
                stored = (stored * (1 - tank.LossFractionPerHour)) + h.ToStorage.Kilowatts - h.FromStorage.Kilowatts;
                Assert.Equal(stored, h.StoredAtEnd.KilowattHours, precision: 3);
                Assert.True(h.StoredAtEnd.KilowattHours >= tank.Minimum.KilowattHours - 0.5, $"tank {h.StoredAtEnd}");
            }
        }
    }

    [Theory]
    [InlineData("lp", "SLA of acme-inference: 96 GPUs short (grid cap)")]
    [InlineData("merit-order", "acme-inference: SLA of 96 GPUs not met, 96 GPUs short (grid cap")]
    public void CreatePlan_CapBelowIdleLoad_StillReturnsAPlanAndNamesTheViolation(string planner, string sla)
    {
        var site = TestSites.BathhouseWith("importCapKw: 900", "importCapKw: 120");
        var plan = Create(planner).CreatePlan(PlanningInputs.Hourly(site, [50], heatDemandKw: 300));

        var slot = plan.Slots.Single();
        Assert.Contains(slot.Violations, v => v.StartsWith("grid cap: idle GPUs and base load alone need", StringComparison.Ordinal));
        Assert.Contains(slot.Violations, v => v.StartsWith(sla, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_SpringDstDayInQuarterHours_Plans92Slots(string planner)
    {
        var site = TestSites.Bathhouse();
        var slots = MarketCalendar.SlotsOfLocalDay(new DateOnly(2024, 3, 31), site.TimeZone, TimeSpan.FromMinutes(15));
        var input = PlanningInputs.Hourly(site, Enumerable.Repeat(60.0, slots.Count).ToArray(), 400, slots[0], TimeSpan.FromMinutes(15));

        var plan = Create(planner).CreatePlan(input);

        Assert.Equal(92, plan.Slots.Count);
        Assert.Equal(slots, plan.Slots.Select(s => s.Start));
    }

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_AutumnDstDay_Plans25HoursWithTheTenantsLocalDemand(string planner)
    {
        var site = TestSites.Bathhouse();
        var tenant = site.Workloads.OfType<InferenceWorkload>().Single();
        var slots = MarketCalendar.SlotsOfLocalDay(new DateOnly(2024, 10, 27), site.TimeZone, TimeSpan.FromHours(1));
        var plan = Create(planner).CreatePlan(PlanningInputs.Hourly(site, Enumerable.Repeat(20.0, slots.Count).ToArray(), 400, slots[0]));

        Assert.Equal(25, plan.Slots.Count);
        Assert.All(plan.Slots, s => Assert.Equal(tenant.DemandAt(s.Start, site.TimeZone), Gpus(s, tenant.Name)));
    }

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_SameInput_SamePlan(string planner)
    {
        var site = TestSites.Bathhouse();
        var prices = Enumerable.Range(0, 24).Select(h => Math.Sin(h) * 120).ToArray();
        var a = Create(planner).CreatePlan(PlanningInputs.Hourly(site, prices, 500));
        var b = Create(planner).CreatePlan(PlanningInputs.Hourly(site, prices, 500));

        Assert.Equal(
            a.Slots.SelectMany(s => s.Allocations).Select(x => (x.Pool, x.Workload, x.Gpus)),
            b.Slots.SelectMany(s => s.Allocations).Select(x => (x.Pool, x.Workload, x.Gpus)));
    }

    internal static IPlanner Create(string planner) => planner == "lp" ? new LpPlanner() : new MeritOrderPlanner();

    internal static int Gpus(PlanSlot slot, string workload) => slot.Allocations.Where(a => a.Workload == workload).Sum(a => a.Gpus);
}
