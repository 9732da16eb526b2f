using Energy.Contracts.Agents.Protocol;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Tests.Controller.Agents;
using Energy.Telemetry.Health;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller.DemandResponse;

/// <summary>
/// <see cref="DemandResponseLog"/> over an <see cref="IDemandResponseStore"/> (the shared database with <c>--ha</c>), and
/// the rule that decides which of two records of one event is kept (<see cref="DemandResponseRecords.Supersedes"/>).
/// </summary>
public sealed class DemandResponseStoreTests
{
    private static readonly DateTimeOffset At = FleetRig.Start;

    private readonly CapturingLogger<DemandResponseLog> _logger = new();

    private static DemandResponseEvent Commanded(string node, string id) =>
        new(AgentJson.Version, node, id, "frequency", 49.6, 49.6, 1.0, At, At.AddMilliseconds(30), At.AddMilliseconds(31), null, 2150, 940, 3);

    [Fact]
    public void Supersedes_ObservedBeatsCommanded_EarlierObservationWins_CommandedNeverReplaces()
    {
        var commanded = Commanded("node-1", "node-1-1");
        var observed = commanded with { PowerObservedAt = At.AddSeconds(1.2) };
        var laterObservation = commanded with { PowerObservedAt = At.AddSeconds(2), TargetW = 900 };
        var otherCommanded = commanded with { SeenAt = At.AddMilliseconds(40), CommandedAt = At.AddMilliseconds(45) };

        Assert.True(DemandResponseRecords.Supersedes(commanded, observed));
        Assert.False(DemandResponseRecords.Supersedes(observed, commanded), "a late commanded record must not undo the observation");
        Assert.False(DemandResponseRecords.Supersedes(commanded, otherCommanded), "of two commanded records the first stays");
        Assert.True(DemandResponseRecords.Supersedes(laterObservation, observed), "the earlier observation is when the power was first seen down");
        Assert.False(DemandResponseRecords.Supersedes(observed, laterObservation));
        Assert.False(DemandResponseRecords.Supersedes(observed, observed), "the same record again changes nothing");
    }

    [Fact]
    public void InStore_ReadsTheStoresNewestBack_AndWritesEveryRecordThere()
    {
        var store = new FakeStore();
        store.Rows.Add(Commanded("node-1", "a") with { PowerObservedAt = At.AddSeconds(1) });
        store.Rows.Add(Commanded("node-2", "b"));

        var log = DemandResponseLog.InStore(store, _logger);
        Assert.Equal(["b", "a"], log.Latest().Select(e => e.Id));
        Assert.Equal(DemandResponseLog.Kept, store.ReadCounts.Single());
        Assert.Null(log.Path);
        Assert.Equal(store.Where, log.Where);
        Assert.Single(_logger.WithEventId(3608));

        var c = Commanded("node-3", "c");
        log.Record(c);
        log.Record(c with { PowerObservedAt = At.AddSeconds(2) });
        Assert.Equal([c, c with { PowerObservedAt = At.AddSeconds(2) }], store.Written);
        Assert.Equal(At.AddSeconds(2), log.Find("node-3", "c")?.PowerObservedAt);
    }

    [Fact]
    public void StoreRefusing_KeptInMemory_AlarmHeldAndLoggedOnce_ClearedWhenItCatchesUp()
    {
        var time = new FakeTimeProvider(At);
        var alarms = new Alarms(time, NullLogger<Alarms>.Instance);
        var store = new FakeStore { Refusal = "connection refused" };
        var log = DemandResponseLog.InStore(store, _logger, alarms);   // cannot read back either: starts empty
        Assert.Equal(DemandResponseLog.AlarmKey, Assert.Single(alarms.Critical()).Key);

        log.Record(Commanded("node-1", "a"));
        log.Record(Commanded("node-1", "b"));
        Assert.Equal(2, log.Latest().Count);
        Assert.Equal(2, _logger.WithEventId(3603).Count);    // the read-back failure, then the write failure: two reasons
        Assert.Contains("written when the database answers", Assert.Single(alarms.Critical()).Message, StringComparison.Ordinal);

        store.Refusal = null;
        store.CatchUp();
        Assert.Empty(alarms.Critical());
        Assert.Single(_logger.WithEventId(3604));
    }

    [Fact]
    public void Refresh_TakesWhatTheOldLeaderCompleted_KeepsWhatOnlyThisControllerHeard()
    {
        var store = new FakeStore();
        var log = DemandResponseLog.InStore(store, _logger);
        var curtail = Commanded("controller", "cut-1") with { Kind = "curtail" };
        log.Record(curtail);                                               // heard as a standby: commanded only
        var heardOnlyHere = Commanded("node-2", "x");
        log.Record(heardOnlyHere);
        store.Rows.Clear();                                                // the database: what the old leader wrote
        var observedByOldLeader = curtail with { PowerObservedAt = At.AddSeconds(3) };
        var missed = Commanded("node-9", "m") with { PowerObservedAt = At.AddSeconds(1) };
        store.Rows.AddRange([observedByOldLeader, missed]);

        log.Refresh();

        Assert.Equal(observedByOldLeader, log.Find("controller", "cut-1"));
        Assert.Equal(missed, log.Find("node-9", "m"));
        Assert.Equal(heardOnlyHere, log.Find("node-2", "x"));
        Assert.Equal(["x", "m", "cut-1"], log.Latest().Select(e => e.Id));   // the store's order, then this controller's own
        Assert.Contains("2 demand-response events the previous leader completed", Assert.Single(_logger.WithEventId(3993)).Message, StringComparison.Ordinal);

        // A record in memory more complete than the store's stays.
        var observedHere = heardOnlyHere with { PowerObservedAt = At.AddSeconds(1) };
        log.Record(observedHere);
        store.Rows.Clear();
        store.Rows.Add(heardOnlyHere);
        log.Refresh();
        Assert.Equal(observedHere, log.Find("node-2", "x"));
    }

    [Fact]
    public void Refresh_StoreAway_MemoryAsItWas_NoThrow()
    {
        var store = new FakeStore();
        var log = DemandResponseLog.InStore(store, _logger);
        log.Record(Commanded("node-1", "a"));
        store.Refusal = "the database is away";
        log.Refresh();
        Assert.Equal("a", Assert.Single(log.Latest()).Id);
    }

    /// <summary>A store in memory: rows as the database would keep them (by the same rule), a refusal to simulate an outage.</summary>
    private sealed class FakeStore : IDemandResponseStore
    {
        public List<DemandResponseEvent> Rows { get; } = [];

        public List<DemandResponseEvent> Written { get; } = [];

        public List<int> ReadCounts { get; } = [];

        public string? Refusal { get; set; }

        public string Where => "fake heatgrid_dr_events";

        public event Action? CaughtUp;

        public (IReadOnlyList<DemandResponseEvent> Events, int Unreadable) ReadBack(int count)
        {
            ReadCounts.Add(count);
            return Refusal is { } why ? throw new IOException(why) : ([.. Rows.TakeLast(count)], 0);
        }

        public void Write(DemandResponseEvent e)
        {
            if (Refusal is { } why)
            {
                throw new IOException(why);
            }

            Written.Add(e);
            var i = Rows.FindIndex(r => r.Node == e.Node && r.Id == e.Id);
            if (i < 0)
            {
                Rows.Add(e);
            }
            else if (DemandResponseRecords.Supersedes(Rows[i], e))
            {
                Rows[i] = e;
            }
        }

        public void CatchUp() => CaughtUp?.Invoke();
    }
}
