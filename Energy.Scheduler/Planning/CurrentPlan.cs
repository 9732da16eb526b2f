using Energy.Contracts.Planning;

namespace Energy.Scheduler.Planning;

/// <summary>The plan in force, swapped atomically by the planning service and read by the control loop and API.</summary>
public sealed class CurrentPlan
{
    private Plan? _plan;

    public Plan? Plan => Volatile.Read(ref _plan);

    /// <summary>After each <see cref="Replace"/> (the dashboard's live events); handlers must not block.</summary>
    public event Action? Replaced;

    public void Replace(Plan plan)
    {
        Volatile.Write(ref _plan, plan);
        Replaced?.Invoke();
    }
}
