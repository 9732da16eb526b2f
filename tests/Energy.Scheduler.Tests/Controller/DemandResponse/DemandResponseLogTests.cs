using System.Text;
using Energy.Contracts.Agents.Protocol;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Tests.Controller.Agents;
using Energy.TestSupport.Logging;

namespace Energy.Scheduler.Tests.Controller.DemandResponse;

public sealed class DemandResponseLogTests : IDisposable
{
    private static readonly DateTimeOffset At = FleetRig.Start;

    private readonly string _dataFolder = Directory.CreateTempSubdirectory("heatgrid-dr-").FullName;
    private readonly CapturingLogger<DemandResponseLog> _logger = new();

    public void Dispose() => Directory.Delete(_dataFolder, recursive: true);

    private static DemandResponseEvent Event(string node, string id) =>
        new(AgentJson.Version, node, id, "frequency", 49.6, 49.6, 1.0, At, At.AddMilliseconds(30), At.AddMilliseconds(31), null, 2150, 940, 3);

    [Fact]
    public void Record_CommandedThenObserved_KeptOnceUpdated()
    {
        var log = new DemandResponseLog(null, _logger);
        var commanded = Event("node-1", "node-1-1");
        var observed = commanded with { PowerObservedAt = At.AddSeconds(1.5) };
        var recorded = new List<DemandResponseEvent>();
        log.Recorded += recorded.Add;

        log.Record(commanded);
        log.Record(observed);

        Assert.Equal(observed, Assert.Single(log.Latest()));
        Assert.Equal([commanded, observed], recorded);
        Assert.Single(_logger.WithEventId(3108));
    }

    [Fact]
    public void Latest_SeveralEvents_NewestFirstAndCounted()
    {
        var log = new DemandResponseLog(null, _logger);
        log.Record(Event("node-1", "node-1-1"));
        log.Record(Event("node-2", "node-1-1"));   // same id, another node: another event
        log.Record(Event("node-1", "node-1-2"));

        Assert.Equal([("node-1", "node-1-2"), ("node-2", "node-1-1"), ("node-1", "node-1-1")], log.Latest().Select(e => (e.Node, e.Id)));
        Assert.Equal([("node-1", "node-1-2")], log.Latest(1).Select(e => (e.Node, e.Id)));
    }

    [Fact]
    public void Record_WithDataFolder_EveryRecordAppendedAsAJsonLine()
    {
        var log = new DemandResponseLog(Path.Combine(_dataFolder, "sub"), _logger);
        var commanded = Event("node-1", "node-1-1");

        log.Record(commanded);
        log.Record(commanded with { PowerObservedAt = At.AddSeconds(1.5) });
        log.Record(Event("node-1", "node-1-2"));

        Assert.Equal(Path.Combine(_dataFolder, "sub", DemandResponseLog.FileName), log.Path);
        var lines = File.ReadAllLines(log.Path!);
        Assert.Equal(3, lines.Length);
        var read = lines.Select(line => AgentJson.TryRead<DemandResponseEvent>(Encoding.UTF8.GetBytes(line), out var e, out var reason) ? e : throw new InvalidOperationException(reason)).ToList();
        Assert.Equal([null, At.AddSeconds(1.5), null], read.Select(e => e.PowerObservedAt));
        Assert.Equal(["node-1-1", "node-1-1", "node-1-2"], read.Select(e => e.Id));
    }

    [Fact]
    public void Record_FolderNotWritable_KeptInMemoryAndLogged()
    {
        var file = Path.Combine(_dataFolder, "not-a-folder");
        File.WriteAllText(file, "x");
        var log = new DemandResponseLog(file, _logger);

        log.Record(Event("node-1", "node-1-1"));
        log.Record(Event("node-1", "node-1-2"));

        Assert.Equal(2, log.Latest().Count);
        Assert.Single(_logger.WithEventId(3603));   // once per change of reason, not per event
    }

    [Fact]
    public void Constructor_EventsOnDisk_ReloadedSoTheApiSurvivesARestart()
    {
        var first = new DemandResponseLog(_dataFolder, _logger);
        first.Record(Event("node-1", "node-1-1"));
        first.Record(Event("node-1", "node-1-1") with { PowerObservedAt = At.AddSeconds(1) });
        first.Record(Event("node-1", "node-1-2"));

        var restarted = new DemandResponseLog(_dataFolder, _logger);

        Assert.Equal([("node-1-2", (DateTimeOffset?)null), ("node-1-1", At.AddSeconds(1))], restarted.Latest().Select(e => (e.Id, e.PowerObservedAt)));
        Assert.Contains("2 demand-response events reloaded", Assert.Single(_logger.WithEventId(3608)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TornLastLine_CutOffLoggedAlarmedAndTheNextEventOnItsOwnLine()
    {
        var first = new DemandResponseLog(_dataFolder, _logger);
        first.Record(Event("node-1", "node-1-1"));
        File.AppendAllText(first.Path!, "{\"version\":1,\"node\":\"node-1\",\"id\":\"node-");   // killed mid-append
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(At);
        var alarms = new Energy.Telemetry.Health.Alarms(time, Microsoft.Extensions.Logging.Abstractions.NullLogger<Energy.Telemetry.Health.Alarms>.Instance);

        var restarted = new DemandResponseLog(_dataFolder, _logger, alarms);
        restarted.Record(Event("node-1", "node-1-3"));

        Assert.Single(_logger.WithEventId(3607));
        Assert.Equal(DemandResponseLog.AlarmKey, Assert.Single(alarms.Critical()).Key);
        var lines = File.ReadAllLines(first.Path!);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.True(AgentJson.TryRead<DemandResponseEvent>(Encoding.UTF8.GetBytes(line), out _, out var why), why));
    }
}
