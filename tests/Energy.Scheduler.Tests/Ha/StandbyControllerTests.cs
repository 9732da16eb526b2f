using Energy.Contracts.Agents;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Tests.Controller.Agents;
using Energy.Telemetry.Health;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Tests.Ha;

/// <summary>
/// A controller with <c>--ha</c>: a standby sends, announces and alarms nothing; a leader never moves its epoch by itself
/// (that would let a deposed leader take the agents back) but hands what it saw to the leadership; a new epoch makes every
/// agent untrusted until it follows it.
/// </summary>
public sealed class StandbyControllerTests : IDisposable
{
    private const string Topic = "heatgrid/fleet-test/controller";
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-standby-").FullName;
    private readonly FleetRig _rig = new(withSequencer: true);
    private readonly FakeLeadership _leadership = new();
    private readonly Alarms _alarms;
    private readonly ControllerEpochGuard _guard;

    public StandbyControllerTests()
    {
        _alarms = new Alarms(_rig.Time, NullLogger<Alarms>.Instance);
        _guard = new ControllerEpochGuard(_rig.Sequencer!, _alarms, _rig.Time, new CapturingLogger<ControllerEpochGuard>(), _folder, _leadership);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Standby_LeadersAnnouncement_NotAnsweredNotAlarmed()
    {
        var leaders = new ControllerAnnouncement(1, FleetRig.Epoch + 50, FleetRig.Start, true);
        Assert.False(_guard.MayAnnounce);
        Assert.False(_guard.OnAnnouncement(leaders, ["n1"], Topic));
        Assert.Empty(_alarms.Current());
        Assert.Empty(_leadership.NewerSeen);
    }

    [Fact]
    public void Standby_AgentFollowsHigherEpoch_NotFollowed()
    {
        Assert.False(_guard.OnAgentEpoch("n1", FleetRig.Epoch + 50));
        Assert.Equal(FleetRig.Epoch, _guard.Epoch);
        Assert.Empty(_leadership.NewerSeen);
        Assert.Empty(_alarms.Current());
    }

    [Fact]
    public void Standby_RefusalOfOurEpoch_NotAlarmed()
    {
        _guard.OnRefusal(new AssignmentAck(1, "n1", FleetRig.Epoch, 3, FleetRig.Start, 0, 0, AssignmentAck.OlderRefusal("controller epoch", FleetRig.Epoch, FleetRig.Epoch + 1), []));
        Assert.Empty(_alarms.Current());
    }

    [Fact]
    public void Leader_AgentFollowsHigherEpoch_HandedToLeadershipNotMovedLocally()
    {
        _leadership.Role = Scheduler.Ha.ControllerRole.Leader;
        Assert.False(_guard.OnAgentEpoch("n1", FleetRig.Epoch + 50));
        Assert.Equal(FleetRig.Epoch, _guard.Epoch);
        Assert.Equal([(FleetRig.Epoch + 50, "agent n1 follows it")], _leadership.NewerSeen);
    }

    [Fact]
    public void Leader_SignedAnnouncementAbove_HandedToLeadershipAndOursAgain()
    {
        _leadership.Role = Scheduler.Ha.ControllerRole.Leader;
        Assert.True(_guard.MayAnnounce);
        Assert.True(_guard.OnAnnouncement(new ControllerAnnouncement(1, FleetRig.Epoch + 9, FleetRig.Start, true), ["n2"], Topic));
        Assert.Equal(FleetRig.Epoch + 9, Assert.Single(_leadership.NewerSeen).Seen);
    }

    [Fact]
    public void Leader_UnsignedAnnouncementAbove_NotHandedOn()
    {
        _leadership.Role = Scheduler.Ha.ControllerRole.Leader;
        _guard.OnAnnouncement(new ControllerAnnouncement(1, FleetRig.Epoch + 9, FleetRig.Start, true), [], Topic);
        Assert.Empty(_leadership.NewerSeen);
    }

    [Fact]
    public void MoveTo_AgentAckedInTheOldEpoch_CountsAtItsMaximumUntilItFollowsTheNewOne()
    {
        _rig.Known("n1", FleetRig.GpuAt("g1", 300));
        _rig.Send("n1", 1, TimeSpan.FromSeconds(10), FleetRig.Command("g1", 300));
        _rig.Ack("n1", 1);
        Assert.Equal(300, _rig.BoundW("g1"), 3);

        _rig.Sequencer!.MoveTo(FleetRig.Epoch + 10, _rig.Now);
        Assert.Equal(700, _rig.BoundW("g1"), 3);   // it may still follow the old leader's batch, or anyone's: its maximum

        _rig.Report("n1", FleetRig.Epoch + 10, 0, _rig.Now, FleetRig.GpuAt("g1", 300));
        Assert.Equal(300, _rig.BoundW("g1"), 3);
    }

    [Fact]
    public async Task FleetAgentLink_Standby_SendsNothingAndSaysWhoLeads()
    {
        var transport = new CountingTransport();
        var link = new FleetAgentLink(_rig.Fleet, _rig.Sequencer!, transport, _rig.Time, _leadership);
        _rig.Known("n1", FleetRig.GpuAt("g1", 300));
        var wanted = new[] { new GpuAssignment("g1", "work", Power.FromWatts(400), _rig.Now.AddSeconds(10), link.Epoch) };

        var sent = await link.SendAsync(wanted, new CapLimits(Power.FromKilowatts(10), Power.FromWatts(FleetRig.BaseW)), CancellationToken.None);
        Assert.False(link.Dispatching);
        Assert.Empty(sent.Batches);
        Assert.Equal(0, transport.Sent);
        Assert.Contains("standby: other leads", Assert.Single(sent.Explanations), StringComparison.Ordinal);

        _leadership.Role = Scheduler.Ha.ControllerRole.Leader;
        sent = await link.SendAsync(wanted, new CapLimits(Power.FromKilowatts(10), Power.FromWatts(FleetRig.BaseW)), CancellationToken.None);
        Assert.True(link.Dispatching);
        Assert.Single(sent.Batches);
        Assert.Equal(1, transport.Sent);
    }

    private sealed class CountingTransport : IAgentTransport
    {
        public int Sent { get; private set; }

        public ValueTask<bool> SendAsync(AssignmentBatch batch, CancellationToken cancellationToken)
        {
            Sent++;
            return ValueTask.FromResult(true);
        }

        public ValueTask RefreshAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public string Describe(Fleet fleet) => "test";
    }
}
