using Energy.Contracts.Planning;

namespace Energy.Scheduler.Planning;

/// <summary>
/// Decides, for each slot ahead, how much GPU power goes to which workload and where the heat goes.
/// Pure: no I/O, no clock, no DI; everything it knows comes in <see cref="PlanningInput"/>.
/// </summary>
public interface IPlanner
{
    string Name { get; }

    Plan CreatePlan(PlanningInput input);
}
