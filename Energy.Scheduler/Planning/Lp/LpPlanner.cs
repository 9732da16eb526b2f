using System.Diagnostics;
using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning.MeritOrder;
using Google.OrTools.LinearSolver;

namespace Energy.Scheduler.Planning.Lp;

/// <summary>
/// The model-predictive optimizer: one linear program over every slot of the price curve (see
/// <see cref="LpModel"/>), maximising compute revenue + heat sales − import cost − boiler fuel −
/// penalties. Every limit but the grid cap is soft with a penalty, so a plan always comes back and names
/// each limit it could not meet; the grid cap is hard for the load HeatGrid controls, whatever the prices. GPU counts are the LP's powers divided by the per-GPU power limit, rounded down
/// (an inference tenant's total is rounded once, so its SLA survives a split over pools).
/// </summary>
public sealed class LpPlanner(LpPlannerOptions? options = null) : IPlanner
{
    private readonly LpPlannerOptions _options = options ?? LpPlannerOptions.Default;

    public string Name => "lp";

    /// <summary>Wall time of the last solve (model build and solver), for benchmarks.</summary>
    public TimeSpan LastSolveTime { get; private set; }

    public Plan CreatePlan(PlanningInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var slotIndices = new List<int>(input.Prices.Prices.Count);
        for (var i = 0; i < input.Prices.Prices.Count; i++)
        {
            if (input.Prices.SlotStart(i) + input.Prices.SlotLength > input.Now)
            {
                slotIndices.Add(i);
            }
        }

        if (slotIndices.Count == 0)
        {
            return new Plan(input.Site.Name, Name, input.Now, []);
        }

        var watch = Stopwatch.StartNew();
        using var model = new LpModel(input, _options, slotIndices);
        var status = model.Solve();
        LastSolveTime = watch.Elapsed;
        if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE))
        {
            // Cannot happen: every limit is soft but the cap, and planning no work at all meets the cap; if the solver still fails, the greedy plan stands in.
            var fallback = new MeritOrderPlanner().CreatePlan(input);
            return new Plan(input.Site.Name, Name, input.Now, [.. fallback.Slots.Select(s => s with
            {
                Violations = [.. s.Violations, $"optimizer: solver {_options.SolverId} returned {status}; merit-order plan used"],
            })]);
        }

        return new LpPlanReader(model).Read(Name);
    }
}
