using System.Net;
using System.Net.Sockets;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Ha;
using Energy.Telemetry.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Audit;

/// <summary>
/// <see cref="PgAuditTrail"/> with its database away (a port nothing listens on: refused at once), and which trail a host
/// gets. Against a real PostgreSQL: tests/Energy.IntegrationTests/Ha/PgAuditTrailTests.
/// </summary>
public sealed class PgAuditTrailUnitTests : IAsyncDisposable
{
    private static readonly AuditActor Ana = new("ana", "operator", "10.0.0.7");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
    private readonly Alarms _alarms;
    private readonly HaDatabase _database = new(new HaOptions("127.0.0.1", ClosedPort(), "ha", "heatgrid", "secret"), "site-a");

    public PgAuditTrailUnitTests() => _alarms = new Alarms(_time, NullLogger<Alarms>.Instance);

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public void DatabaseAway_RecordAnswersNull_RaisesTheCriticalAlarm_AndHoldsTheEntriesInOrder()
    {
        using var trail = new PgAuditTrail(_database, _time, NullLogger<PgAuditTrail>.Instance, _alarms);
        Assert.Null(trail.Record(Ana, "dr.curtail", null, new { capKw = 100 }, "first"));
        var alarm = Assert.Single(_alarms.Current(), a => a.Key == AuditLog.WriteAlarmKey);
        Assert.Equal(AlarmSeverity.Critical, alarm.Severity);
        Assert.Contains("dr.curtail", alarm.Message, StringComparison.Ordinal);
        Assert.Contains("1 held in memory", alarm.Message, StringComparison.Ordinal);

        Assert.Null(trail.Record(Ana, "policy.change", null, null, null));
        Assert.Equal(2, trail.Held);
        Assert.Contains("2 held in memory", _alarms.Current().Single(a => a.Key == AuditLog.WriteAlarmKey).Message, StringComparison.Ordinal);

        // The timer tries again; the database still refuses; nothing is lost or duplicated.
        _time.Advance(PgAuditTrail.RetryEvery * 3);
        Assert.Equal(2, trail.Held);
        Assert.Equal(0, trail.Lost);
        Assert.Throws<IOException>(() => trail.Latest(10, 0));
    }

    [Fact]
    public void DatabaseAway_BeyondTheCap_EntriesAreDroppedAndCounted()
    {
        using var trail = new PgAuditTrail(_database, _time, NullLogger<PgAuditTrail>.Instance, _alarms, cap: 3);
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(trail.Record(Ana, "dr.curtail", null, new { i }, null));
        }

        Assert.Equal((3, 2L), (trail.Held, trail.Lost));
        Assert.Contains("dropped", _alarms.Current().Single(a => a.Key == AuditLog.WriteAlarmKey).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_WithEntriesHeld_DoesNotThrow_AndRecordAfterItAnswersNull()
    {
        var trail = new PgAuditTrail(_database, _time, NullLogger<PgAuditTrail>.Instance, _alarms);
        Assert.Null(trail.Record(Ana, "dr.curtail", null, null, null));
        trail.Dispose();
        Assert.Null(trail.Record(Ana, "dr.curtail", null, null, null));
        _time.Advance(PgAuditTrail.RetryEvery * 2);
    }

    [Fact]
    public void LockKey_PerSite_AndNotTheLeadershipKey()
    {
        Assert.NotEqual(PgAuditTrail.LockKey("a"), PgAuditTrail.LockKey("b"));
        Assert.Equal(PgAuditTrail.LockKey("a"), PgAuditTrail.LockKey("a"));
        Assert.NotEqual(PgLeadership.LockKey("a"), PgAuditTrail.LockKey("a"));
    }

    [Fact]
    public async Task AuditServices_WithTheSharedDatabase_ThePgTrail_ElseTheFile()
    {
        var folder = Directory.CreateTempSubdirectory("heatgrid-audit-services-").FullName;
        try
        {
            await using (var shared = Services(folder, withDatabase: true))
            {
                Assert.IsType<PgAuditTrail>(shared.GetRequiredService<IAuditTrail>());
                Assert.False(File.Exists(Path.Combine(folder, AuditLog.FileName)));
            }

            await using var local = Services(folder, withDatabase: false);
            Assert.IsType<AuditLog>(local.GetRequiredService<IAuditTrail>());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private ServiceProvider Services(string folder, bool withDatabase)
    {
        var services = new ServiceCollection().AddSingleton<TimeProvider>(_time).AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        if (withDatabase)
        {
            services.AddSingleton(_database);
        }

        return services.AddAuditTrail(folder).BuildServiceProvider();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
