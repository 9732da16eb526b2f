using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Lp;
using Energy.Scheduler.Planning.MeritOrder;

namespace Energy.Scheduler.Tests.Planning;

/// <summary>Both planners plan the tenant for the demand in <see cref="PlanningInput.TenantDemand"/>, and say so; without it, for the profile.</summary>
public sealed class TenantDemandPlanningTests
{
    public static TheoryData<string> Planners => ["lp", "merit-order"];

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_LiveTenantDemandGiven_PlansAndExplainsThatDemand(string planner)
    {
        // 01:00 CET: the profile wants 110 GPUs; the tenant reports 300.
        var site = TestSites.Bathhouse();
        var input = PlanningInputs.Hourly(site, [50, 50], heatDemandKw: 300) with
        {
            TenantDemand = new Dictionary<string, IReadOnlyList<int>> { ["acme-inference"] = [300, 250] },
        };

        var plan = Create(planner).CreatePlan(input);

        Assert.Equal([300, 250], plan.Slots.Select(s => Gpus(s, "acme-inference")));
        Assert.Contains("acme-inference: 300 GPUs for Acme AI (demand 300, SLA 96)", plan.Slots[0].Explanations);
    }

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_NoTenantDemand_TheProfile(string planner)
    {
        var site = TestSites.Bathhouse();
        var tenant = site.Workloads.OfType<InferenceWorkload>().Single();

        var plan = Create(planner).CreatePlan(PlanningInputs.Hourly(site, [50], heatDemandKw: 300));

        Assert.Equal(tenant.DemandAt(PlanningInputs.Start, site.TimeZone), Gpus(plan.Slots[0], tenant.Name));
    }

    private static IPlanner Create(string planner) => planner == "lp" ? new LpPlanner() : new MeritOrderPlanner();

    private static int Gpus(PlanSlot slot, string workload) => slot.Allocations.Where(a => a.Workload == workload).Sum(a => a.Gpus);
}
