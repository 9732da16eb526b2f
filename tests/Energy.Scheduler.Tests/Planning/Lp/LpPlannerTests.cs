using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Contracts.Time;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Lp;
using Energy.Scheduler.Planning.MeritOrder;

namespace Energy.Scheduler.Tests.Planning.Lp;

/// <summary>What only the LP does; what every planner does is in <see cref="PlannerContractTests"/>.</summary>
public sealed class LpPlannerTests
{
    private readonly LpPlanner _planner = new();

    [Fact]
    public void CreatePlan_HeatDemandBeyondEveryHeatSource_NamesTheShortfall()
    {
        var site = TestSites.BathhouseWith("capacityKw: 1200", "capacityKw: 100");
        var plan = _planner.CreatePlan(PlanningInputs.Hourly(site, [300, 300, 300], heatDemandKw: 3000));

        Assert.All(plan.Slots, s => Assert.Contains(s.Violations, v => v.StartsWith("bath: ", StringComparison.Ordinal) && v.Contains("heat demand unmet", StringComparison.Ordinal)));
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
}
