using Energy.Contracts.Agents.Protocol;
using Energy.Telemetry.Health;
using static Energy.Scheduler.Tests.Controller.Agents.FleetRig;

namespace Energy.Scheduler.Tests.Controller.Agents;

/// <summary>
/// The <see cref="Fleet"/> checking what agents say against the site file (pool "p" of 16 GPUs, 200–700 W),
/// whoever signed it: a heartbeat claiming more than the site has, a range outside the pool's, a GPU
/// another agent holds, invented node names, telemetry naming GPUs never offered, and the agents' own
/// refusals and warnings. Known-good agents keep working throughout.
/// </summary>
public class FleetSiteFileTests
{
    private readonly FleetRig _rig = new();

    private static AgentHeartbeat Claiming(string node, int count, string pool = "p", double minW = 200, double idleW = 80, double maxW = 700) =>
        new(AgentJson.Version, node, true, Start, "simulated", 10, 0,
            [.. Enumerable.Range(0, count).Select(i => new GpuInventoryItem($"{node}/{i}", pool, "GPU", minW, idleW, maxW))]);

    private IReadOnlyList<Alarm> Alarms(string key) => [.. _rig.Alarms.Current().Where(a => a.Key == key)];

    [Fact]
    public void OnHeartbeat_MoreGpusThanThePoolHas_RefusedAlarmedAndTheKnownAgentKeepsWorking()
    {
        _rig.Known("node-1", GpuAt("p/0", 500), GpuAt("p/1", 500));

        Assert.False(_rig.Fleet.OnHeartbeat(Claiming("evil", 2000), _rig.Now));

        Assert.Equal(["node-1"], _rig.Fleet.Nodes);
        Assert.Equal(1000, _rig.Fleet.BoundControlledW(_rig.Now));
        Assert.True(_rig.Of("p/0").Known);
        var alarm = Assert.Single(Alarms("agents.heartbeatRefused"));
        Assert.Contains("2000 GPUs", alarm.Message, StringComparison.Ordinal);
        Assert.Equal(AlarmSeverity.Warning, alarm.Severity);
    }

    [Fact]
    public void OnHeartbeat_MoreGpusThanThePoolHasLeftBesideTheOthers_TheExcessRefusedAndAlarmed()
    {
        _rig.Known("node-1", [.. Enumerable.Range(0, 10).Select(i => GpuAt($"p/{i}", 500))]);

        Assert.True(_rig.Fleet.OnHeartbeat(Claiming("node-2", 8), _rig.Now));

        Assert.Equal(16, _rig.Fleet.Gpus(_rig.Now).Count);
        Assert.Equal(6, _rig.Fleet.Gpus(_rig.Now).Count(g => g.Node == "node-2"));
        Assert.Contains("2 GPU(s) more", Assert.Single(Alarms("agents.heartbeatExcess")).Message, StringComparison.Ordinal);
        Assert.Equal(10, _rig.Fleet.Gpus(_rig.Now).Count(g => g.Node == "node-1"));
    }

    [Fact]
    public void OnHeartbeat_AgainFromAnAcceptedAgent_ItsGpusKeepTheirPlace()
    {
        _rig.Fleet.OnHeartbeat(Claiming("node-1", 10), _rig.Now);
        _rig.Fleet.OnHeartbeat(Claiming("node-2", 6), _rig.Now);

        Assert.True(_rig.Fleet.OnHeartbeat(Claiming("node-1", 10), _rig.Now));

        Assert.Equal(16, _rig.Fleet.Gpus(_rig.Now).Count);
        Assert.Empty(Alarms("agents.heartbeatExcess"));
    }

    [Theory]
    [InlineData(200, 80, 5000)]    // a maximum above the pool's
    [InlineData(100, 80, 700)]     // a minimum below it
    [InlineData(200, 900, 700)]    // idle above its maximum
    public void OnHeartbeat_RangeOutsideThePools_Refused(double minW, double idleW, double maxW)
    {
        Assert.False(_rig.Fleet.OnHeartbeat(Claiming("node-1", 2, minW: minW, idleW: idleW, maxW: maxW), _rig.Now));

        Assert.Empty(_rig.Fleet.Gpus(_rig.Now));
        Assert.Contains("outside pool p's 200–700 W", Assert.Single(Alarms("agents.heartbeatRefused")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnHeartbeat_GpuAnotherAgentHolds_RefusedAndTheHolderKeepsIt()
    {
        _rig.Known("node-1", GpuAt("p/0", 500));

        Assert.False(_rig.Fleet.OnHeartbeat(Heartbeat("evil", _rig.Now, true, "p/0"), _rig.Now));

        Assert.Equal("node-1", Assert.Single(_rig.Fleet.Gpus(_rig.Now)).Node);
        Assert.Contains("held by agent node-1", Assert.Single(Alarms("agents.heartbeatRefused")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnHeartbeat_RefusedFromAKnownAgent_ItsLastGoodInventoryStays()
    {
        _rig.Known("node-1", GpuAt("p/0", 500), GpuAt("p/1", 500));

        Assert.False(_rig.Fleet.OnHeartbeat(Claiming("node-1", 100), _rig.Now));

        Assert.Equal(["p/0", "p/1"], _rig.Fleet.Gpus(_rig.Now).Select(g => g.State.GpuId));
    }

    [Fact]
    public void OnHeartbeat_InventedNodeNames_TrackedAgentsBoundedByTheSiteFile()
    {
        _rig.Time.Advance(TimeSpan.FromMinutes(1));   // past the start, when a report may overtake its agent's retained heartbeat
        for (var i = 0; i < 10_000; i++)
        {
            _rig.Fleet.OnHeartbeat(Claiming($"ghost-{i}", 0), _rig.Now);
            _rig.Fleet.OnTelemetry(new AgentTelemetry(AgentJson.Version, $"other-{i}", _rig.Now, Epoch, 1, "following", 0, 0, []), _rig.Now);
            _rig.Fleet.OnAck(new AssignmentAck(AgentJson.Version, $"other-{i}", Epoch, 1, _rig.Now, 0, 0, null, []), _rig.Now);
        }

        Assert.Equal(_rig.Fleet.MaxAgents, _rig.Fleet.Nodes.Count);
        Assert.Equal(16, _rig.Fleet.MaxAgents);
        Assert.Single(Alarms("agents.tooMany"));
        Assert.Single(Alarms("agents.unknown"));
    }

    [Fact]
    public void OnTelemetry_UnknownAgentJustAfterTheControllersStart_IgnoredWithoutAnAlarm()
    {
        _rig.Fleet.OnTelemetry(new AgentTelemetry(AgentJson.Version, "n9", _rig.Now, Epoch, 1, "following", 0, 0, []), _rig.Now);

        Assert.Empty(_rig.Fleet.Nodes);
        Assert.Empty(Alarms("agents.unknown"));
    }

    [Fact]
    public void OnHeartbeat_AgentsOfflineLongEnough_GiveTheirPlaceUp()
    {
        _rig.Fleet.OnHeartbeat(Claiming("old-name", 16), _rig.Now);
        _rig.Fleet.OnOffline("old-name", _rig.Now);
        _rig.Time.Advance(Energy.Scheduler.Controller.Agents.Fleet.ForgetAfter);

        Assert.True(_rig.Fleet.OnHeartbeat(Claiming("new-name", 16), _rig.Now));

        Assert.Equal(["new-name"], _rig.Fleet.Nodes);
        Assert.Single(_rig.Logger.WithEventId(3451));
    }

    [Fact]
    public void Gpus_HeardOfOnlyThroughAHeartbeatThenSilent_CountAtTheSafeStateOnceWhatItMayFollowRanOut()
    {
        _rig.Time.Advance(TimeSpan.FromMinutes(1));
        _rig.Fleet.OnHeartbeat(Claiming("ghost", 16), _rig.Now);
        Assert.Equal(16 * 700, _rig.Fleet.BoundControlledW(_rig.Now));

        // Its dead-man (10 s) after the last batch it could have taken (by our start + 3 s), plus the clock margin (2 s).
        _rig.Time.Advance(TimeSpan.FromSeconds(3 + 10 + 2) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(16 * 700, _rig.Fleet.BoundControlledW(_rig.Now));
        _rig.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(16 * 80, _rig.Fleet.BoundControlledW(_rig.Now));
        Assert.All(_rig.Fleet.Gpus(_rig.Now), g => Assert.False(g.Known));
    }

    [Fact]
    public void OnTelemetry_GpusTheAgentNeverOffered_IgnoredAndAlarmed()
    {
        _rig.Known("node-1", GpuAt("p/0", 300));

        _rig.Report("node-1", 1, GpuAt("p/0", 300), GpuAt("p/9", 700), GpuAt("elsewhere/0", 700));

        Assert.Equal(["p/0"], _rig.Fleet.Gpus(_rig.Now).Select(g => g.State.GpuId));
        Assert.Equal(300, _rig.BoundW("p/0"));
        Assert.Contains("names 2 GPU(s) it does not hold", Assert.Single(Alarms("agents.telemetryRefused")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnTelemetry_AgentWarnings_AlarmedPerAgent()
    {
        _rig.Known("node-1", GpuAt("p/0", 80, workload: null));

        _rig.Fleet.OnTelemetry(new AgentTelemetry(AgentJson.Version, "node-1", _rig.Now, Epoch, 1, "shedding", 0, 80, [GpuAt("p/0", 80, workload: null)],
            ["grid-frequency feed lost while shedding since 2026-01-15 12:00:00 UTC (onFrequencyLost: restoreAfter 30s)"]), _rig.Now);

        Assert.Contains("feed lost while shedding", Assert.Single(Alarms("agents.warnings.node-1")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnAck_SiteFileRefusals_Alarmed()
    {
        _rig.Known("node-1", GpuAt("p/0", 300));
        _rig.Send("node-1", 1, TimeSpan.FromSeconds(10), Command("p/0", 5000));

        _rig.Fleet.OnAck(new AssignmentAck(AgentJson.Version, "node-1", Epoch, 1, _rig.Now, 700, 0, null,
            [new RefusedCommand("p/0", SiteFileRefusal.Because("target 5000 W is above pool p's 700 W: held at 700 W"))]), _rig.Now);

        Assert.Contains("above pool p's 700 W", Assert.Single(Alarms("agents.commandsRefused")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnAck_OrdinaryRefusals_NotAlarmedAsSiteFile()
    {
        _rig.Known("node-1", GpuAt("p/0", 300));
        _rig.Send("node-1", 1, TimeSpan.FromSeconds(10), Command("p/0", 400));

        _rig.Ack("node-1", 1, "duplicate");
        _rig.Fleet.OnAck(new AssignmentAck(AgentJson.Version, "node-1", Epoch, 2, _rig.Now, 0, 0, null, [new RefusedCommand("p/7", "node node-1 has no GPU 'p/7'")]), _rig.Now);

        Assert.Empty(Alarms("agents.commandsRefused"));
    }
}
