using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Lp;
using Energy.Scheduler.Planning.MeritOrder;

namespace Energy.Scheduler.Tests.Planning;

/// <summary>Both planners value mining per slot from <see cref="PlanningInput.MiningValue"/>, not from the workload's constant.</summary>
public sealed class MiningValuePlannerTests
{
    public static TheoryData<string> Planners => new() { "merit-order", "lp" };

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_MiningValuePerSlot_MiningOnlyWhereItPays(string name)
    {
        var site = TestSites.Bathhouse();
        IPlanner planner = name == "lp" ? new LpPlanner() : new MeritOrderPlanner();
        // 60 EUR/MWh spot: ~100 EUR/MWh all-in. The ticket's constant (110 EUR/MWh) would mine in every slot
        // with the heat; per slot here: nothing in the first half, 5,000 EUR/MWh in the second.
        var input = PlanningInputs.Hourly(site, Enumerable.Repeat(60.0, 6).ToArray(), heatDemandKw: 600);
        double[] value = [0, 0, 0, 5_000, 5_000, 5_000];
        input = input with
        {
            MiningValue = site.Pools.ToDictionary(p => ("mining", p.Name), _ => (IReadOnlyList<double>)value),
        };

        var plan = planner.CreatePlan(input);

        int Mining(int slot) => plan.Slots[slot].Allocations.Where(a => a.Workload == "mining").Sum(a => a.Gpus);
        Assert.All([0, 1, 2], i => Assert.Equal(0, Mining(i)));
        Assert.All([3, 4, 5], i => Assert.True(Mining(i) > 0, $"slot {i}: no mining at 5,000 EUR/MWh"));
    }
}
