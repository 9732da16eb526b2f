namespace Energy.Scheduler.Ha;

/// <summary>What a controller is in a pair (or more) sharing one database: the one that dispatches, or one that waits.</summary>
public enum ControllerRole
{
    /// <summary>Waits: plans in the shadow, serves the API read-only, takes over when the leader's lease runs out.</summary>
    Standby,

    /// <summary>Holds the lock and a current lease: the one controller that dispatches to agents.</summary>
    Leader,
}

/// <summary>
/// Who dispatches. Only with <c>--ha</c>: a controller without it is the only one and dispatches always (no leadership is
/// registered). Read by the agent link before every batch (<see cref="MayDispatch"/>) and by the API for writes.
/// </summary>
public interface ILeadership
{
    ControllerRole Role { get; }

    /// <summary>The epoch this controller leads with, or the last leader's it saw while standby.</summary>
    long Epoch { get; }

    /// <summary>True only while this controller leads and its lease is current by its own monotonic clock.</summary>
    bool MayDispatch();

    /// <summary>Role, epoch, leader, peers, when leadership last moved: for <c>/health</c>, <c>/api/status</c> and the dashboard.</summary>
    LeadershipView View();

    /// <summary>This controller is taking over: called before it may dispatch, so that the epoch and the state are the new ones
    /// before the first batch (on the leadership's own loop; keep it short). A handler that throws makes it step down.</summary>
    event Action<LeadershipMove>? TakingOver;

    /// <summary>This controller leads now and may dispatch (announce the epoch, record the takeover).</summary>
    event Action<LeadershipMove>? Leading;

    /// <summary>This controller stopped leading (lost the database, another leads, shutdown): it has stopped dispatching.</summary>
    event Action<string>? SteppedDown;

    /// <summary>
    /// Something says a newer epoch than ours exists (an agent follows one, an announcement carries one). A leader checks
    /// the database at once and steps down when the lease names another; while it still holds the lease the epoch moves above
    /// <paramref name="seen"/> through the database's sequence (an operator's mistake, such as a controller run without
    /// <c>--ha</c> against the same agents, made plain by an alarm).
    /// </summary>
    void NewerEpochSeen(long seen, string where);
}

/// <summary>Leadership moved to this controller.</summary>
/// <param name="Epoch">The new epoch, from the database's sequence.</param>
/// <param name="At">When, by the database's clock.</param>
/// <param name="Leader">Who leads from now on.</param>
/// <param name="Previous">Who led before (null: nobody since the database was set up).</param>
/// <param name="PreviousEpoch">With which epoch.</param>
/// <param name="Why">Why it moved: the previous leader released it, its lease ran out, its session was terminated…</param>
public sealed record LeadershipMove(long Epoch, DateTimeOffset At, string Leader, string? Previous, long? PreviousEpoch, string Why);

/// <summary>A controller of the same site, as the database last saw it.</summary>
public sealed record ControllerPeer(string Name, string? Url, string Role, long Epoch, double SeenSecondsAgo);

/// <summary>Where leadership stands, as this controller sees it.</summary>
public sealed record LeadershipView(
    string Role,
    long Epoch,
    string Name,
    string? Url,
    string? Leader,
    string? LeaderUrl,
    DateTimeOffset? LeaderSince,
    IReadOnlyList<ControllerPeer> Peers,
    string Database,
    string? DatabaseProblem,
    double LeaseSeconds,
    double TakeoverDelaySeconds)
{
    /// <summary>The last move of leadership seen (to this controller or another), with why.</summary>
    public LeadershipMove? LastMove { get; init; }

    /// <summary>When this controller last stopped leading, and why.</summary>
    public string? SteppedDown { get; init; }

    /// <summary>The other controller (the first peer), for the dashboard's one line.</summary>
    public ControllerPeer? Peer => Peers.Count > 0 ? Peers[0] : null;
}
