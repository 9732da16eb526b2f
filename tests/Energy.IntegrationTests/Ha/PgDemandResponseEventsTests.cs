using System.Diagnostics;
using Energy.Contracts.Agents.Protocol;
using Energy.IntegrationTests.Support;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Ha;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit.Abstractions;

namespace Energy.IntegrationTests.Ha;

/// <summary>
/// Demand-response evidence in the shared database (<see cref="PgDemandResponseEvents"/>) on a real PostgreSQL: both
/// controllers record the agents' reports, the database keeps one row per event with the observed record, a new leader's
/// log reads them back, and a record made while the database is stopped is held and written once it answers.
/// </summary>
public sealed class PgDemandResponseEventsTests(ITestOutputHelper output)
{
    private const string Site = "dr-test";
    private static readonly DateTimeOffset At = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static DemandResponseEvent Commanded(string node, string id, int second = 0) =>
        new(AgentJson.Version, node, id, "frequency", 49.6, 49.6, 1.0, At.AddSeconds(second), At.AddSeconds(second).AddMilliseconds(30),
            At.AddSeconds(second).AddMilliseconds(31), null, 2150, 940, 3) { PowerReading = "nvml-instant" };

    [RequiresPostgresFact]
    public async Task BothControllersRecord_OneRowPerEvent_ObservedWins_NewLeaderReadsTheEvidenceBack()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var leaderDb = await DatabaseAsync(server, "dr_takeover");
        await using var standbyDb = await DatabaseAsync(server, "dr_takeover");
        using var leaderStore = Store(leaderDb);
        using var standbyStore = Store(standbyDb);
        var leader = DemandResponseLog.InStore(leaderStore, NullLogger<DemandResponseLog>.Instance);
        var standby = DemandResponseLog.InStore(standbyStore, NullLogger<DemandResponseLog>.Instance);

        // Both hear every agent's report: commanded, then observed (the standby hears the observation of node-2 late).
        var reports = Enumerable.Range(1, 20).Select(i => Commanded($"node-{i % 4}", $"ev-{i}", i)).ToList();
        foreach (var e in reports)
        {
            leader.Record(e);
            standby.Record(e);
        }

        foreach (var e in reports)
        {
            var observed = e with { PowerObservedAt = e.SignalAt.AddSeconds(0.8), TargetW = 930 };
            leader.Record(observed);
            standby.Record(observed);
        }

        // A late, repeated "commanded" report (a redelivery) reaches the standby after the observation: it changes nothing.
        standby.Record(reports[3]);
        // Two observations of one event (the leader's own curtailment check, and a standby copy seen later): the earlier stays.
        var curtail = Commanded("controller", "cut-1", 30) with { Kind = "curtail" };
        leader.Record(curtail);
        standby.Record(curtail with { PowerObservedAt = curtail.SignalAt.AddSeconds(5) });
        leader.Record(curtail with { PowerObservedAt = curtail.SignalAt.AddSeconds(2) });
        standby.Record(curtail with { PowerObservedAt = curtail.SignalAt.AddSeconds(9) });

        Assert.Equal(0, leaderStore.Held + standbyStore.Held);
        var rows = await RowsAsync(server, "dr_takeover");
        Assert.Equal(21, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => (r.Node, r.Id)).Distinct().Count());
        Assert.All(rows, r => Assert.NotNull(r.ObservedAt));
        Assert.Equal(curtail.SignalAt.AddSeconds(2), rows.Single(r => r.Id == "cut-1").ObservedAt);

        // Takeover: the new leader (a fresh log on its own connection, as a restarted or standby process) reads it all back.
        await using var newLeaderDb = await DatabaseAsync(server, "dr_takeover");
        using var newLeaderStore = Store(newLeaderDb);
        var newLeader = DemandResponseLog.InStore(newLeaderStore, NullLogger<DemandResponseLog>.Instance);
        var latest = newLeader.Latest();
        Assert.Equal(21, latest.Count);
        Assert.Equal(["cut-1", "ev-20", "ev-19"], latest.Take(3).Select(e => e.Id));   // newest first, in the order first recorded
        foreach (var e in reports)
        {
            var read = newLeader.Find(e.Node, e.Id);
            Assert.Equal(e with { PowerObservedAt = e.SignalAt.AddSeconds(0.8), TargetW = 930 }, read);
            Assert.Equal("nvml-instant", read!.PowerReading);
        }

        Assert.Equal(curtail.SignalAt.AddSeconds(2), newLeader.Find("controller", "cut-1")!.PowerObservedAt);

        // Another site in the same database has its own evidence.
        await using var elsewhere = new HaDatabase(leaderDb.Options, "other-site");
        using var elsewhereStore = Store(elsewhere);
        Assert.Empty(DemandResponseLog.InStore(elsewhereStore, NullLogger<DemandResponseLog>.Instance).Latest());
    }

    [RequiresPostgresFact]
    public async Task ReadBack_OnlyTheNewestKept()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await DatabaseAsync(server, "dr_kept");
        using var store = Store(database);
        for (var i = 1; i <= 30; i++)
        {
            store.Write(Commanded("node-1", $"ev-{i}", i));
        }

        var (events, unreadable) = store.ReadBack(10);
        Assert.Equal(0, unreadable);
        Assert.Equal(Enumerable.Range(21, 10).Select(i => $"ev-{i}"), events.Select(e => e.Id));
    }

    [RequiresPostgresFact]
    public async Task DatabaseStopped_RecordDoesNotThrow_AlarmHeld_HeldEventsWrittenOnceItAnswers()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await DatabaseAsync(server, "dr_down");
        var alarms = new Alarms(TimeProvider.System, NullLogger<Alarms>.Instance);
        using var store = Store(database);
        var log = DemandResponseLog.InStore(store, NullLogger<DemandResponseLog>.Instance, alarms);
        var first = Commanded("node-1", "ev-1");
        log.Record(first);

        await server.StopAsync();
        var clock = Stopwatch.StartNew();
        log.Record(first with { PowerObservedAt = At.AddSeconds(1) });
        var firstFailure = clock.Elapsed;
        Assert.True(alarms.IsRaised(DemandResponseLog.AlarmKey));
        Assert.Equal(AlarmSeverity.Critical, alarms.Current().Single(a => a.Key == DemandResponseLog.AlarmKey).Severity);
        clock.Restart();
        for (var i = 2; i <= 40; i++)
        {
            log.Record(Commanded($"node-{i % 3}", $"ev-{i}", i));
        }

        output.WriteLine($"database stopped: the first record returned in {firstFailure.TotalMilliseconds:F0} ms, the next 39 in {clock.ElapsedMilliseconds} ms together");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"39 records with the database away took {clock.Elapsed.TotalSeconds:F1} s: the ingest path waited on it");
        Assert.Equal(40, store.Held);
        Assert.Equal(40, log.Latest().Count);
        Assert.Equal(At.AddSeconds(1), log.Find("node-1", "ev-1")!.PowerObservedAt);

        await server.RestartAsync();
        clock.Restart();
        await Poll.UntilAsync(() => store.Held == 0 && !alarms.IsRaised(DemandResponseLog.AlarmKey), TimeSpan.FromSeconds(15), "the held events written, the alarm cleared");
        output.WriteLine($"after the restart the 40 held events were written within {clock.ElapsedMilliseconds} ms (retry every {PgDemandResponseEvents.RetryEvery.TotalSeconds:0} s)");

        var rows = await RowsAsync(server, "dr_down");
        Assert.Equal(40, rows.Count);
        Assert.Equal(At.AddSeconds(1), rows.Single(r => r.Id == "ev-1").ObservedAt);
        using var againStore = Store(database);
        Assert.Equal(40, DemandResponseLog.InStore(againStore, NullLogger<DemandResponseLog>.Instance).Latest().Count);
    }

    private static PgDemandResponseEvents Store(HaDatabase database) =>
        new(database, TimeProvider.System, NullLogger<PgDemandResponseEvents>.Instance);

    private static async Task<List<(string Node, string Id, DateTimeOffset? ObservedAt)>> RowsAsync(PostgresServer server, string name)
    {
        await using var connection = await server.OpenAsync(name);
        await using var command = new NpgsqlCommand("SELECT node, id, observed_at FROM heatgrid_dr_events WHERE site = @site ORDER BY seq", connection);
        command.Parameters.AddWithValue("site", Site);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, DateTimeOffset?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero)));
        }

        return rows;
    }

    private static Task<HaDatabase> DatabaseAsync(PostgresServer server, string name) => server.MigratedDatabaseAsync(name, Site);
}
