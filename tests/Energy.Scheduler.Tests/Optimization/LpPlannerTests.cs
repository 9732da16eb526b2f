using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Contracts.Time;
using Energy.Contracts.Units;
using Energy.Scheduler.Optimization;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Tests.Planning;

namespace Energy.Scheduler.Tests.Optimization;

public sealed class LpPlannerTests
{
    private readonly LpPlanner _planner = new();

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
            Assert.All(plan.Slots, s => Assert.Empty(s.Violations));
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
        Assert.True(slot.GridImport.Kilowatts > site.Grid.ImportCap.Kilowatts * 0.99, $"import {slot.GridImport}");
        Assert.True(slot.GridImport <= site.Grid.ImportCap);
        Assert.Contains(slot.Explanations, e => e.StartsWith("grid cap binding: shadow price", StringComparison.Ordinal));
    }

    [Fact]
    public void CreatePlan_ExpensiveSummerHourWithFullTank_LeavesMiningOffAndSaysWhy()
    {
        var site = TestSites.Bathhouse();
        var input = PlanningInputs.Hourly(site, [250], heatDemandKw: 0);
        var full = input with { Stored = site.HeatLoops.ToDictionary(l => l.Name, l => l.Storage!.Capacity) };

        var slot = _planner.CreatePlan(full).Slots.Single();

        Assert.Equal(0, Gpus(slot, "mining"));
        Assert.Contains(slot.Explanations, e => e.StartsWith("mining off: cost ", StringComparison.Ordinal) && e.Contains("> its value 110", StringComparison.Ordinal));
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
    public void CreatePlan_HeatBalanceOfEverySlot_ClosesAndTheTankFollowsItsDynamics()
    {
        var site = TestSites.Bathhouse();
        var tank = site.HeatLoops[0].Storage!;
        var random = new Random(7);
        for (var run = 0; run < 10; run++)
        {
            var prices = Enumerable.Range(0, 48).Select(_ => (random.NextDouble() * 300) - 50).ToArray();
            var plan = _planner.CreatePlan(PlanningInputs.Hourly(site, prices, heatDemandKw: random.NextDouble() * 800));
            var stored = tank.Initial.KilowattHours;
            foreach (var h in plan.Slots.SelectMany(s => s.Heat))
            {
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

    [Fact]
    public void CreatePlan_CapBelowIdleLoad_StillReturnsAPlanAndNamesTheViolation()
    {
        var site = TestSites.BathhouseWith("importCapKw: 900", "importCapKw: 120");
        var plan = _planner.CreatePlan(PlanningInputs.Hourly(site, [50], heatDemandKw: 300));

        var slot = plan.Slots.Single();
        Assert.Contains(slot.Violations, v => v.StartsWith("grid cap: idle GPUs and base load alone need", StringComparison.Ordinal));
        Assert.Contains(slot.Violations, v => v.StartsWith("SLA of acme-inference: 96 GPUs short (grid cap)", StringComparison.Ordinal));
    }

    [Fact]
    public void CreatePlan_HeatDemandBeyondEveryHeatSource_NamesTheShortfall()
    {
        var site = TestSites.BathhouseWith("capacityKw: 1200", "capacityKw: 100");
        var plan = _planner.CreatePlan(PlanningInputs.Hourly(site, [300, 300, 300], heatDemandKw: 3000));

        Assert.All(plan.Slots, s => Assert.Contains(s.Violations, v => v.StartsWith("bath: ", StringComparison.Ordinal) && v.Contains("heat demand unmet", StringComparison.Ordinal)));
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
    public void CreatePlan_AutumnDstDay_Plans25HoursWithTheTenantsLocalDemand()
    {
        var site = TestSites.Bathhouse();
        var tenant = site.Workloads.OfType<InferenceWorkload>().Single();
        var slots = MarketCalendar.SlotsOfLocalDay(new DateOnly(2024, 10, 27), site.TimeZone, TimeSpan.FromHours(1));
        var plan = _planner.CreatePlan(PlanningInputs.Hourly(site, Enumerable.Repeat(20.0, slots.Count).ToArray(), 400, slots[0]));

        Assert.Equal(25, plan.Slots.Count);
        Assert.All(plan.Slots, s => Assert.Equal(tenant.DemandAt(s.Start, site.TimeZone), Gpus(s, tenant.Name)));
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

    [Fact]
    public void CreatePlan_CheapHoursBeforeAPeak_ChargesTheTankAndSaysForWhichPeak()
    {
        var site = TestSites.Bathhouse();
        double[] prices = [-20, -20, 200, 350, 350, 350];
        var plan = _planner.CreatePlan(PlanningInputs.Hourly(site, prices, heatDemandKw: 500));

        Assert.True(plan.Slots[0].Heat[0].ToStorage.Kilowatts > 1);
        Assert.Contains(plan.Slots[0].Explanations, e => e.StartsWith("bath: tank charging", StringComparison.Ordinal) && e.Contains("price peak", StringComparison.Ordinal));
    }

    [Fact]
    public void CreatePlan_RandomInputs_EarnsAtLeastWhatTheMeritOrderEarns()
    {
        var site = TestSites.Bathhouse();
        var greedy = new MeritOrderPlanner();
        var random = new Random(11);
        for (var run = 0; run < 10; run++)
        {
            var prices = Enumerable.Range(0, 48).Select(_ => (random.NextDouble() * 350) - 60).ToArray();
            var input = PlanningInputs.Hourly(site, prices, heatDemandKw: 100 + (random.NextDouble() * 700));

            var lp = PlanEconomics.Profit(input, _planner.CreatePlan(input)).Total;
            var merit = PlanEconomics.Profit(input, greedy.CreatePlan(input)).Total;

            // The LP's continuous optimum is rounded down to whole GPUs: allow a GPU per pair and slot.
            Assert.True(lp >= merit - (48 * 4 * 2.5), $"run {run}: LP {lp:0} < merit order {merit:0}");
        }
    }

    private static int Gpus(PlanSlot slot, string workload) => slot.Allocations.Where(a => a.Workload == workload).Sum(a => a.Gpus);
}
