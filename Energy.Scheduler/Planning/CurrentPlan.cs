using Energy.Contracts.Planning;

namespace Energy.Scheduler.Planning;

/// <summary>The plan in force, swapped atomically by the planning service and read by the control loop and API.</summary>
public sealed class CurrentPlan
{
    private Entry? _entry;

    public Plan? Plan => Volatile.Read(ref _entry)?.Plan;

    /// <summary>The version of the operator policy the plan in force was made under (null where no policy versions are kept).</summary>
    public int? PolicyVersion => Volatile.Read(ref _entry)?.PolicyVersion;

    /// <summary>After each <see cref="Replace"/> (the dashboard's live events); handlers must not block.</summary>
    public event Action? Replaced;

    public void Replace(Plan plan, int? policyVersion = null)
    {
        Volatile.Write(ref _entry, new Entry(plan, policyVersion));
        Replaced?.Invoke();
    }

    private sealed record Entry(Plan Plan, int? PolicyVersion);
}
