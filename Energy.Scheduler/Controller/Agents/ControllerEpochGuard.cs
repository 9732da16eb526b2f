using Energy.Contracts.Agents.Protocol;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// Watches for anyone else commanding this controller's agents, and never lets it pass silently:
/// <list type="bullet">
/// <item>an epoch announcement on the controller topic that is not ours raises <c>agents.epoch</c>
/// (critical when it is higher) and ours is announced again, so that the retained one is ours;</item>
/// <item>an agent refusing our batches as older raises <c>agents.overridden</c> (critical);</item>
/// <item>an agent that reports, in a message signed with its key, following an epoch above ours makes
/// this controller move above it (<see cref="FleetSequencer.MoveAbove"/>), keep it in the data folder and
/// announce it.</item>
/// </list>
/// Why moving above is safe: an agent takes an epoch only from a message signed with its own key, so an
/// epoch above ours was issued by a holder of that key — this controller's earlier run (a data folder lost,
/// a clock set back), another controller with the same keys, or whoever has that one agent's key, who can
/// command that agent anyway. Moving above it takes back what is ours and gives nobody anything: the epoch
/// is only a number, and the keys decide who may command. Two live controllers would take turns, every
/// <see cref="MoveEvery"/> at most, each with a critical alarm — an operator's error shown, not hidden. An
/// epoch no controller would issue (at or above <see cref="Ceiling"/>) is not followed, so a stolen key
/// cannot drive the epoch to overflow; that agent stays refused and alarmed until its key is rotated.
/// <para>
/// With <c>--ha</c> the epoch is the database's: a standby announces nothing and answers nothing (the leader's epoch is
/// not its business), and a leader never moves above an epoch by itself — that would let a deposed leader take back the
/// agents from the one that replaced it. It hands what it saw to the leadership, which checks the database: a leader that
/// was replaced steps down; one that still holds the lease moves above through the database's sequence.
/// </para>
/// </summary>
public sealed class ControllerEpochGuard
{
    public const string EpochAlarm = "agents.epoch";
    public const string OverriddenAlarm = "agents.overridden";

    /// <summary>Epochs are start times in Unix milliseconds (about 1.8e12 now); anything this high was never issued by a controller.</summary>
    public const long Ceiling = long.MaxValue / 4;

    public static readonly TimeSpan MoveEvery = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan AnnounceEvery = TimeSpan.FromSeconds(2);

    private readonly FleetSequencer _sequencer;
    private readonly Alarms _alarms;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string? _dataFolder;
    private readonly RefusalCounter _overridden;
    private readonly RefusalCounter _implausible;
    private readonly Lock _gate = new();
    private DateTimeOffset _nextMove = DateTimeOffset.MinValue;
    private DateTimeOffset _nextAnnounce = DateTimeOffset.MinValue;

    private readonly Ha.ILeadership? _leadership;

    public ControllerEpochGuard(FleetSequencer sequencer, Alarms alarms, TimeProvider time, ILogger<ControllerEpochGuard> logger, string? dataFolder,
        Ha.ILeadership? leadership = null)
    {
        _leadership = leadership;
        ArgumentNullException.ThrowIfNull(sequencer);
        ArgumentNullException.ThrowIfNull(alarms);
        _sequencer = sequencer;
        _alarms = alarms;
        _time = time;
        _logger = logger;
        _dataFolder = dataFolder;
        _overridden = new RefusalCounter(time);
        _implausible = new RefusalCounter(time);
        StartedAt = time.GetUtcNow();
    }

    public DateTimeOffset StartedAt { get; }

    public long Epoch => _sequencer.Epoch;

    /// <summary>Whether this controller may announce its epoch: always without <c>--ha</c>; with it, only while it leads.</summary>
    public bool MayAnnounce => _leadership is null || _leadership.MayDispatch();

    /// <summary>What this controller announces (retained) on every connect, and when it stops.</summary>
    public ControllerAnnouncement Announcement(bool online) => new(AgentJson.Version, Epoch, StartedAt, online);

    /// <summary>
    /// An announcement seen on the controller topic; <paramref name="signedFor"/> are the nodes whose signature on it verified.
    /// True when ours is to be announced again (not more often than every <see cref="AnnounceEvery"/>).
    /// </summary>
    public bool OnAnnouncement(ControllerAnnouncement seen, IReadOnlyList<string> signedFor, string topic)
    {
        ArgumentNullException.ThrowIfNull(seen);
        ArgumentNullException.ThrowIfNull(signedFor);
        var ours = Epoch;
        if (seen.Epoch == ours && seen.StartedAt == StartedAt)
        {
            return false;   // our own (or a copy of it, which says the same)
        }

        if (_leadership is not null && !MayAnnounce)
        {
            return false;   // a standby: the leader's announcement is the one that should stand
        }

        if (_leadership is not null && seen.Epoch > ours && signedFor.Count > 0)
        {
            _leadership.NewerEpochSeen(seen.Epoch, $"an announcement on {topic}");
        }

        var signed = signedFor.Count == 0 ? "signed with no key of ours" : $"signed with the key of {Describe(signedFor)}";
        if (seen.Epoch >= ours)
        {
            _alarms.Raise(EpochAlarm, $"an epoch announcement at or above ours that this controller did not issue ({signed}) appeared on {topic}; "
                + "agents whose key did not sign it ignore it, ours is announced again", AlarmSeverity.Critical);
        }

        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (now < _nextAnnounce)
            {
                return false;
            }

            _nextAnnounce = now + AnnounceEvery;
        }

        if (seen.Epoch >= ours)
        {
            Log.ForeignAnnouncement(_logger, seen.Epoch, topic, signed, ours);
        }

        return true;
    }

    /// <summary>
    /// An agent reports (signed with its key) the epoch it follows. True when this controller moved above it
    /// and must announce the new epoch.
    /// </summary>
    public bool OnAgentEpoch(string node, long epoch)
    {
        var ours = Epoch;
        if (epoch <= ours)
        {
            return false;
        }

        if (_leadership is not null)
        {
            if (MayAnnounce && epoch < Ceiling)
            {
                _leadership.NewerEpochSeen(epoch, $"agent {node} follows it");
            }

            return false;
        }

        if (epoch >= Ceiling)
        {
            _alarms.Raise(EpochAlarm, $"agent {node} reports an epoch no controller issues; it is not followed: rotate {node}'s key and restart it",
                AlarmSeverity.Critical);
            if (_implausible.Count(node, out _))
            {
                Log.EpochImplausible(_logger, node, epoch, Ceiling);
            }

            return false;
        }

        long moved;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (now < _nextMove)
            {
                return false;
            }

            _nextMove = now + MoveEvery;
            moved = _sequencer.MoveAbove(epoch, now);
        }

        ControllerEpoch.Save(_dataFolder, moved);
        _alarms.Raise(EpochAlarm, $"agent {node} followed epoch {epoch}, above this controller's {ours}: another controller, or this one's earlier run, "
            + $"commanded it; this controller moved to epoch {moved}", AlarmSeverity.Critical);
        Log.EpochTakenOver(_logger, node, epoch, ours, moved);
        return true;
    }

    /// <summary>An agent refused one of our batches (signed by it): refused as older means someone else commands it.</summary>
    public void OnRefusal(AssignmentAck ack)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (ack.Epoch != Epoch || !MayAnnounce || ack.Refusal is not { } refusal || !refusal.Contains(AssignmentAck.Older, StringComparison.Ordinal))
        {
            return;
        }

        _alarms.Raise(OverriddenAlarm, $"agent {ack.Node} refuses this controller's batches ({refusal}): someone else is commanding it", AlarmSeverity.Critical);
        if (_overridden.Count(ack.Node, out _))
        {
            Log.AgentCommandedElsewhere(_logger, ack.Node, refusal);
        }
    }

    private static string Describe(IReadOnlyList<string> nodes) =>
        nodes.Count <= 3 ? string.Join(", ", nodes) : $"{string.Join(", ", nodes.Take(3))} and {nodes.Count - 3} more";
}
