using System.Diagnostics;
using System.Text.Json;
using Energy.IntegrationTests.Support;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Cli;
using Energy.Scheduler.Ha;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace Energy.IntegrationTests.Ha;

/// <summary>
/// The audit trail in the shared database (<see cref="PgAuditTrail"/>) on a real PostgreSQL: the entries as the file
/// keeps them, one chain for two controllers appending at once, tampering found by <c>heatgrid audit verify --ha</c>,
/// and nothing lost while the database is stopped for a while.
/// </summary>
public sealed class PgAuditTrailTests(ITestOutputHelper output)
{
    private const string Site = "audit-test";
    private static readonly AuditActor Ana = new("ana", "operator", "10.0.0.7");

    [RequiresPostgresFact]
    public async Task Entries_RoundTrip_AsTheFileWritesThem_AndTheChainVerifies()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await DatabaseAsync(server, "audit");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        using var trail = new PgAuditTrail(database, time, NullLogger<PgAuditTrail>.Instance);
        var folder = Directory.CreateTempSubdirectory("heatgrid-pg-audit-").FullName;
        try
        {
            var file = new AuditLog(folder, time, NullLogger<AuditLog>.Instance);
            for (var i = 1; i <= 5; i++)
            {
                Assert.Equal(i, trail.Record(Ana, "dr.curtail", new { capKw = 900 }, new { capKw = 100 * i }, $"step {i}"));
                Assert.Equal(i, file.Record(Ana, "dr.curtail", new { capKw = 900 }, new { capKw = 100 * i }, $"step {i}"));
                time.Advance(TimeSpan.FromMinutes(1));
            }

            // Byte for byte the lines DATA/audit.jsonl holds for the same entries: one format, one verifier.
            Assert.Equal(File.ReadAllLines(Path.Combine(folder, AuditLog.FileName)), await LinesAsync(server, "audit"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var latest = trail.Latest(3, 1);
        Assert.Equal([5L, 4L, 3L], latest.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(500, latest[0].GetProperty("after").GetProperty("capKw").GetInt32());
        Assert.Equal("2026-03-02T10:04:00.000Z", latest[0].GetProperty("at").GetString());
        Assert.Equal("ana", latest[0].GetProperty("who").GetString());
        Assert.Equal(latest[1].GetProperty("hash").GetString(), latest[0].GetProperty("prev").GetString());
        Assert.Empty(trail.Latest(10, 5));

        var verified = PgAuditTrail.Verify(database);
        Assert.True(verified.Intact, verified.Problem);
        Assert.Equal(5, verified.Entries);
        Assert.Null(verified.Note);

        // Another site in the same database has its own chain.
        await using var other = new HaDatabase(database.Options, "other-site");
        using var otherTrail = new PgAuditTrail(other, time, NullLogger<PgAuditTrail>.Instance);
        Assert.Equal(1, otherTrail.Record(Ana, "policy.change", null, new { v = 2 }, null));
        Assert.Equal(5, PgAuditTrail.Verify(database).Entries);
    }

    [RequiresPostgresFact]
    public async Task TwoControllers_AppendingAtOnce_MakeOneUnbrokenChain()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var a = await DatabaseAsync(server, "audit");
        await using var b = new HaDatabase(a.Options with { Name = "b" }, Site);
        using var trailA = new PgAuditTrail(a, TimeProvider.System, NullLogger<PgAuditTrail>.Instance);
        using var trailB = new PgAuditTrail(b, TimeProvider.System, NullLogger<PgAuditTrail>.Instance);

        // 2 controllers × 2 threads × 100 entries, all at once.
        using var start = new ManualResetEventSlim();
        var clock = Stopwatch.StartNew();
        var writers = new[] { (trailA, "a", 0), (trailA, "a", 1), (trailB, "b", 0), (trailB, "b", 1) }.Select(w => Task.Run(() =>
        {
            start.Wait();
            var seqs = new List<long?>();
            for (var i = 0; i < 100; i++)
            {
                seqs.Add(w.Item1.Record(new AuditActor(w.Item2, "system", "controller"), "ha.test", null, new { thread = w.Item3, i }, null));
            }

            return seqs;
        })).ToArray();
        start.Set();
        var all = (await Task.WhenAll(writers)).SelectMany(s => s).ToList();
        output.WriteLine($"400 entries from 2 controllers × 2 threads in {clock.ElapsedMilliseconds} ms");

        Assert.DoesNotContain(null, all);
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long?)i), all.Order());
        var verified = PgAuditTrail.Verify(a);
        Assert.True(verified.Intact, verified.Problem);
        Assert.Equal(400, verified.Entries);
        Assert.Equal(0, trailA.Held + trailB.Held);

        // Each thread's entries are in the order it recorded them.
        var lines = (await LinesAsync(server, "audit")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        foreach (var group in lines.GroupBy(e => (e.GetProperty("who").GetString(), e.GetProperty("after").GetProperty("thread").GetInt32())))
        {
            Assert.Equal(Enumerable.Range(0, 100), group.Select(e => e.GetProperty("after").GetProperty("i").GetInt32()));
        }
    }

    [RequiresPostgresFact]
    public async Task TamperedRows_AreFoundByVerify_AndACutTailIsRecorded()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await DatabaseAsync(server, "audit");
        var alarms = new Alarms(TimeProvider.System, NullLogger<Alarms>.Instance);
        using var trail = new PgAuditTrail(database, TimeProvider.System, NullLogger<PgAuditTrail>.Instance, alarms);
        for (var i = 1; i <= 5; i++)
        {
            trail.Record(Ana, "dr.curtail", null, new { capKw = 100 * i }, null);
        }

        Assert.Equal(0, Verify(server, out var stdout, out _));
        Assert.StartsWith("5 entries, chain intact", stdout, StringComparison.Ordinal);

        // One field of one row edited.
        await ExecuteAsync(server, "UPDATE heatgrid_audit SET line = replace(line, '\"capKw\":300', '\"capKw\":800') WHERE seq = 3");
        Assert.Equal(1, Verify(server, out _, out var stderr));
        Assert.Contains("entry 3: hash mismatch: the line was edited", stderr, StringComparison.Ordinal);
        await ExecuteAsync(server, "UPDATE heatgrid_audit SET line = replace(line, '\"capKw\":800', '\"capKw\":300') WHERE seq = 3");
        Assert.Equal(0, Verify(server, out _, out _));

        // A row in the middle removed.
        await ExecuteAsync(server, "CREATE TABLE kept AS SELECT * FROM heatgrid_audit WHERE seq = 2; DELETE FROM heatgrid_audit WHERE seq = 2");
        Assert.Equal(1, Verify(server, out _, out stderr));
        Assert.Contains("entry 2: seq 3 where 2 was expected", stderr, StringComparison.Ordinal);
        await ExecuteAsync(server, "INSERT INTO heatgrid_audit SELECT * FROM kept");

        // The last two rows removed: the head tells; the next append records the cut before its own entry.
        await ExecuteAsync(server, "DELETE FROM heatgrid_audit WHERE seq > 3");
        Assert.Equal(1, Verify(server, out _, out stderr));
        Assert.Contains("the chain ends at seq 3 but the head records seq 5: 2 row(s) were removed from its end", stderr, StringComparison.Ordinal);
        Assert.Equal(5, trail.Record(Ana, "policy.change", null, null, "after the cut"));
        var latest = trail.Latest(2, 0);
        Assert.Equal(["policy.change", "audit.tailMissing"], latest.Select(e => e.GetProperty("what").GetString()));
        Assert.Equal(5, latest[1].GetProperty("before").GetProperty("seq").GetInt64());
        Assert.True(alarms.IsRaised(AuditLog.ChainAlarmKey));
        Assert.Equal(0, Verify(server, out stdout, out _));
        Assert.StartsWith("5 entries, chain intact", stdout, StringComparison.Ordinal);
    }

    [RequiresPostgresFact]
    public async Task DatabaseStopped_RecordAnswersNullWithTheAlarm_HeldEntriesLandInOrderOnceItAnswers()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await DatabaseAsync(server, "audit");
        var alarms = new Alarms(TimeProvider.System, NullLogger<Alarms>.Instance);
        using var trail = new PgAuditTrail(database, TimeProvider.System, NullLogger<PgAuditTrail>.Instance, alarms);
        Assert.Equal(1, trail.Record(Ana, "step.1", null, null, null));
        Assert.Equal(2, trail.Record(Ana, "step.2", null, null, null));

        await server.StopAsync();
        var clock = Stopwatch.StartNew();
        Assert.Null(trail.Record(Ana, "step.3", null, null, null));
        var first = clock.Elapsed;
        Assert.True(alarms.IsRaised(AuditLog.WriteAlarmKey));
        Assert.Equal(AlarmSeverity.Critical, alarms.Current().Single(a => a.Key == AuditLog.WriteAlarmKey).Severity);
        clock.Restart();
        for (var i = 4; i <= 50; i++)
        {
            Assert.Null(trail.Record(Ana, $"step.{i}", null, null, null));
        }

        output.WriteLine($"database stopped: the first Record answered null in {first.TotalMilliseconds:F0} ms, the next 47 in {clock.ElapsedMilliseconds} ms together");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"47 Records with the database away took {clock.Elapsed.TotalSeconds:F1} s: callers waited on it");
        Assert.Equal(48, trail.Held);
        Assert.Throws<IOException>(() => trail.Latest(10, 0));

        await server.RestartAsync();
        clock.Restart();
        await Poll.UntilAsync(() => trail.Held == 0, TimeSpan.FromSeconds(15), "the held entries written");
        output.WriteLine($"after the restart the 48 held entries were written within {clock.ElapsedMilliseconds} ms");
        Assert.Equal(51, trail.Record(Ana, "step.51", null, null, null));

        var whats = (await LinesAsync(server, "audit")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("what").GetString());
        Assert.Equal(Enumerable.Range(1, 51).Select(i => $"step.{i}"), whats);
        var verified = PgAuditTrail.Verify(database);
        Assert.True(verified.Intact, verified.Problem);
        Assert.Equal(51, verified.Entries);
    }

    [RequiresPostgresFact]
    public async Task DatabaseStopped_BeyondTheCap_TheDroppedAreCountedInTheTrail()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await DatabaseAsync(server, "audit");
        using var trail = new PgAuditTrail(database, TimeProvider.System, NullLogger<PgAuditTrail>.Instance, cap: 5);
        Assert.Equal(1, trail.Record(Ana, "step.1", null, null, null));
        await server.StopAsync();
        for (var i = 2; i <= 9; i++)
        {
            Assert.Null(trail.Record(Ana, $"step.{i}", null, null, null));
        }

        Assert.Equal((5, 3L), (trail.Held, trail.Lost));
        await server.RestartAsync();
        await Poll.UntilAsync(() => trail.Held == 0, TimeSpan.FromSeconds(15), "the held entries written");

        var entries = (await LinesAsync(server, "audit")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["step.1", "step.2", "step.3", "step.4", "step.5", "step.6", "audit.lost"], entries.Select(e => e.GetProperty("what").GetString()));
        Assert.Equal(3, entries[^1].GetProperty("after").GetProperty("entries").GetInt64());
        Assert.Equal(0, trail.Lost);
        Assert.True(PgAuditTrail.Verify(database).Intact);
    }

    [RequiresPostgresFact]
    public async Task Verify_WrongSiteOrNoPassword_SaysSo()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await DatabaseAsync(server, "audit");
        using var err = new StringWriter();
        using var @out = new StringWriter();
        Assert.Equal(1, AuditCommand.VerifyShared(server.ConnectionUri("audit"), "nowhere", null, Password(server), @out, err));
        Assert.Contains("no audit trail for site nowhere", err.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, AuditCommand.VerifyShared(server.ConnectionUri("audit"), Site, null, _ => null, @out, err));
        Assert.Contains("no password", err.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, AuditCommand.VerifyShared(server.ConnectionUri("audit"), null, null, Password(server), @out, err));
        Assert.Contains("--ha needs --site", err.ToString(), StringComparison.Ordinal);
    }

    private static Func<string, string?> Password(PostgresServer server) => name => name == HaOptions.PasswordVariable ? server.Password : null;

    private static int Verify(PostgresServer server, out string stdout, out string stderr)
    {
        using var @out = new StringWriter();
        using var err = new StringWriter();
        var code = AuditCommand.VerifyShared(server.ConnectionUri("audit"), Site, null, Password(server), @out, err);
        (stdout, stderr) = (@out.ToString(), err.ToString());
        return code;
    }

    private static Task<HaDatabase> DatabaseAsync(PostgresServer server, string name) => server.MigratedDatabaseAsync(name, Site, controller: "a");

    private static async Task<List<string>> LinesAsync(PostgresServer server, string database)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT line FROM heatgrid_audit WHERE site = @site ORDER BY seq", connection);
        command.Parameters.AddWithValue("site", Site);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }

    private static async Task ExecuteAsync(PostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString("audit"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
