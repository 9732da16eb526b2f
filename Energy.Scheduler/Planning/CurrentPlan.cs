using Energy.Contracts.Planning;

namespace Energy.Scheduler.Planning;

/// <summary>The plan in force, swapped atomically by the planning service and read by the control loop and API.</summary>
public sealed class CurrentPlan
{
    private Plan? _plan;

    public Plan? Plan => Volatile.Read(ref _plan);

    public void Replace(Plan plan) => Volatile.Write(ref _plan, plan);
}
