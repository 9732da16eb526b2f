using System.Text;
using Energy.Contracts.Agents.Protocol;
using Energy.Scheduler.Controller.Agents;
using Energy.Telemetry.Health;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller.Agents;

/// <summary><see cref="AgentKeyRing"/>: key files read at start, re-read when they change, and rotation without a refused message.</summary>
public sealed class AgentKeyRingTests : IDisposable
{
    private const string Topic = "heatgrid/site/agents/n1/telemetry";
    private static readonly AgentKey Old = AgentKey.Create("n1", "old");
    private static readonly AgentKey New = AgentKey.Create("n1", "new");
    private static readonly AgentKey Other = AgentKey.Create("n2", "k1");

    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-keys-").FullName;
    private readonly FakeTimeProvider _time = new(FleetRig.Start);
    private readonly CapturingLogger<AgentKeyRing> _logger = new();
    private readonly Alarms _alarms;
    private int _writes;

    public AgentKeyRingTests() => _alarms = new Alarms(_time, NullLogger<Alarms>.Instance);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, params AgentKey[] keys) => Write(name, string.Join('\n', keys.Select(k => k.ToLine())));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);

        // A distinct write time for every write, as a later edit would have.
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(++_writes));
        return path;
    }

    private AgentKeyRing Load(string path, string? node = null) => AgentKeyRing.Load(AgentKeySource.FromFile(path, node), _time, _logger, _alarms);

    private static AgentTelemetry Telemetry() => new(1, "n1", FleetRig.Start, 1, 1, "following", 0, 0, []);

    [Fact]
    public void Load_ControllerFile_EveryNodesKeysPrimaryFirst()
    {
        var ring = Load(Write("keys", Old, Other, New));

        Assert.Equal(["n1", "n2"], ring.Nodes);
        Assert.Equal(["old", "new"], ring.KeysOf("n1").Select(k => k.Kid));
        Assert.Empty(ring.KeysOf("n3"));
        Assert.Contains("2 node(s)", Assert.Single(_logger.WithEventId(3400)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AgentFile_OnlyItsNode()
    {
        var ring = Load(Write("keys", Old, Other), node: "n2");

        Assert.Equal(["n2"], ring.Nodes);
    }

    [Fact]
    public void Load_MalformedOrShortKey_ErrorsWithFileAndLine()
    {
        var path = Write("keys", $"{Old.ToLine()}\nn2 k1 {Convert.ToBase64String(new byte[16])}\nn3 k1");

        var e = Assert.Throws<AgentKeyFileException>(() => Load(path));

        Assert.Equal([$"{path}:2: the key of n2/k1 has 16 bytes; at least 32 are needed ('heatgrid agent-key --node n2' makes one)",
            $"{path}:3: expected 'NODE KID BASE64KEY' (3 fields), found 2"], e.Errors);
    }

    [Fact]
    public void Load_NoFile_Error() =>
        Assert.Contains("no such file", Assert.Single(Assert.Throws<AgentKeyFileException>(() => Load(Path.Combine(_folder, "none"))).Errors),
            StringComparison.Ordinal);

    [Fact]
    public void Sign_SignsWithThePrimaryKey_VerifyAcceptsAnyListedKey()
    {
        var ring = Load(Write("keys", New, Old));
        var signed = ring.Sign(Telemetry(), Topic, "n1");

        Assert.Equal("new", AgentSignature.Verify(signed, Topic, [New]).Kid);
        Assert.True(ring.Verify(AgentSignature.Sign(AgentJson.Serialize(Telemetry()), Topic, Old), Topic, "n1").Valid);
        Assert.Equal(SignatureOutcome.UnknownKey, ring.Verify(AgentSignature.Sign(AgentJson.Serialize(Telemetry()), Topic, AgentKey.Create("n1", "x")), Topic, "n1").Outcome);
        Assert.Equal(SignatureOutcome.NotSigned, ring.Verify(AgentJson.Serialize(Telemetry()), Topic, "n1").Outcome);
    }

    [Fact]
    public void KeysOf_FileChanged_ReReadAfterThePollPeriodWithoutRestart()
    {
        var path = Write("keys", Old);
        var ring = Load(path);
        Write("keys", New, Old);

        Assert.Equal(["old"], ring.KeysOf("n1").Select(k => k.Kid));
        _time.Advance(AgentKeyRing.PollPeriod);
        Assert.Equal(["new", "old"], ring.KeysOf("n1").Select(k => k.Kid));
        Assert.Equal(2, _logger.WithEventId(3400).Count);
    }

    [Fact]
    public void KeysOf_FileBrokenOnReload_KeysInForceKeptAndAlarmedUntilItReads()
    {
        var path = Write("keys", Old);
        var ring = Load(path);
        Write("keys", "n1 old");
        _time.Advance(AgentKeyRing.PollPeriod);

        Assert.Equal(["old"], ring.KeysOf("n1").Select(k => k.Kid));
        var alarm = Assert.Single(_alarms.Current());
        Assert.Equal((AgentKeyRing.AlarmKey, AlarmSeverity.Critical), (alarm.Key, alarm.Severity));
        Assert.Contains($"{path}:1: expected", alarm.Message, StringComparison.Ordinal);
        Assert.Single(_logger.WithEventId(3401));

        Write("keys", New);
        _time.Advance(AgentKeyRing.PollPeriod);

        Assert.Equal(["new"], ring.KeysOf("n1").Select(k => k.Kid));
        Assert.Empty(_alarms.Current());
    }

    [Fact]
    public void Rotation_AddSecondThenMakeFirstThenRemove_EveryMessageBothWaysVerifiesAtEveryStep()
    {
        var controllerFile = Write("controller", Old, Other);
        var agentFile = Write("agent", Old);
        var controller = Load(controllerFile);
        var agent = Load(agentFile, node: "n1");
        var steps = new (string File, AgentKey[] Keys)[]
        {
            (controllerFile, [Old, New, Other]), (agentFile, [Old, New]),   // the new key second on both
            (controllerFile, [New, Old, Other]), (agentFile, [New, Old]),   // then first on both
            (controllerFile, [New, Other]), (agentFile, [New]),            // then the old one removed
        };

        AssertBothWays(controller, agent, "start");
        foreach (var (file, keys) in steps)
        {
            Write(Path.GetFileName(file), keys);
            _time.Advance(AgentKeyRing.PollPeriod);
            AssertBothWays(controller, agent, $"{Path.GetFileName(file)} = {string.Join(", ", keys.Select(k => k.Kid))}");
        }

        Assert.Equal(["new"], agent.KeysOf("n1").Select(k => k.Kid));
        Assert.Equal(SignatureOutcome.UnknownKey, controller.Verify(AgentSignature.Sign(AgentJson.Serialize(Telemetry()), Topic, Old), Topic, "n1").Outcome);
    }

    private static void AssertBothWays(AgentKeyRing controller, AgentKeyRing agent, string step)
    {
        const string assign = "heatgrid/site/agents/n1/assign";
        var up = controller.Verify(agent.Sign(Telemetry(), Topic, "n1"), Topic, "n1");
        var down = agent.Verify(controller.Sign(Telemetry(), assign, "n1"), assign, "n1");
        var announcement = agent.VerifyFor(controller.SignForEveryNode(new ControllerAnnouncement(1, 5, FleetRig.Start, true), "heatgrid/site/controller"),
            "heatgrid/site/controller", "n1");

        Assert.True(up.Valid, $"{step}: agent → controller: {up.Reason}");
        Assert.True(down.Valid, $"{step}: controller → agent: {down.Reason}");
        Assert.True(announcement.Valid, $"{step}: announcement: {announcement.Reason}");
    }

    [Fact]
    public void None_SignsNothingAndTakesEverything()
    {
        var ring = AgentKeyRing.None(NullLogger.Instance);
        var plain = ring.Sign(Telemetry(), Topic, "n1");

        Assert.False(ring.Signs);
        Assert.Equal(AgentJson.Serialize(Telemetry()), plain);
        Assert.Equal(plain, ring.Verify(plain, Topic, "n1").Content);
        Assert.DoesNotContain("sig", Encoding.UTF8.GetString(plain), StringComparison.Ordinal);
    }
}
