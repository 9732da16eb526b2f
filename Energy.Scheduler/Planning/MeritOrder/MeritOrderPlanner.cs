using Energy.Contracts.Heat;
using Energy.Contracts.Planning;
using Energy.Contracts.Sites;

namespace Energy.Scheduler.Planning.MeritOrder;

/// <summary>
/// The first planner: a greedy merit order per slot. SLA minimums first; then, while the grid cap,
/// free GPUs, demand and heat limits allow, the (pool, workload) pair that earns most per GPU-hour
/// (revenue + the heat it saves − the power it costs) gets GPUs. It looks at one slot at a time and
/// does not plan the tank ahead: the LP optimizer replaces it, behind the same <see cref="IPlanner"/>.
/// </summary>
public sealed class MeritOrderPlanner : IPlanner
{
    public string Name => "merit-order";

    public Plan CreatePlan(PlanningInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var site = input.Site;
        var loops = site.HeatLoops.ToDictionary(
            l => l.Name,
            l => new HeatLoopSimulator(l, input.Stored.TryGetValue(l.Name, out var stored) ? stored : null),
            StringComparer.Ordinal);

        var slots = new List<PlanSlot>(input.Prices.Prices.Count);
        for (var i = 0; i < input.Prices.Prices.Count; i++)
        {
            var start = input.Prices.SlotStart(i);
            if (start + input.Prices.SlotLength <= input.Now)
            {
                continue;
            }

            var demand = site.HeatLoops.ToDictionary(
                l => l.Name,
                l => input.HeatDemand.TryGetValue(l.Name, out var series) && i < series.Count ? series[i] : Contracts.Units.Power.Zero,
                StringComparer.Ordinal);
            var tenants = site.Workloads.OfType<InferenceWorkload>().ToDictionary(w => w.Name, w => input.TenantDemandAt(w, i), StringComparer.Ordinal);
            slots.Add(new MeritOrderSlot(input.SiteAt(i), start, input.Prices.SlotLength, input.Prices.Prices[i], demand, tenants, loops,
                (m, p) => input.MiningValuePerMwhAt(m, p, i)).Decide());
        }

        return new Plan(site.Name, Name, input.Now, slots);
    }
}
