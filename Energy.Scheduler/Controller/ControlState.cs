namespace Energy.Scheduler.Controller;

/// <summary>
/// What the control loop has learnt about the site that the planner must plan with: heat loops held
/// off for over-temperature and the base load it measures. The control loop writes it once a tick;
/// <see cref="Agents.SiteConditions"/> reads it from the planning service's thread.
/// </summary>
public sealed class ControlState
{
    private IReadOnlyList<string> _hotLoops = [];
    private BaseLoadState? _baseLoad;

    /// <summary>Heat loops whose GPUs are held off work for over-temperature, as of the last tick.</summary>
    public IReadOnlyList<string> HotLoops
    {
        get => Volatile.Read(ref _hotLoops);
        set => Volatile.Write(ref _hotLoops, value);
    }

    /// <summary>The base load the last tick held the cap with; null before the first tick.</summary>
    public BaseLoadState? BaseLoad
    {
        get => Volatile.Read(ref _baseLoad);
        set => Volatile.Write(ref _baseLoad, value);
    }
}
