using Energy.Contracts.Agents;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Contracts.Units;
using Energy.Scheduler.Agents;
using static Energy.Scheduler.Tests.Agents.FleetRig;

namespace Energy.Scheduler.Tests.Agents;

/// <summary>Site figures are grid watts: 1000 W base load plus GPU watts (no cooling overhead).</summary>
public class FleetSequencerTests
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    private static GpuAssignment Wants(string gpu, double watts, ShedStep? shed = ShedStep.Mining, string? workload = "work") =>
        new(gpu, workload, Power.FromWatts(watts), Start + TimeSpan.FromMinutes(5), Epoch) { Shed = shed };

    private static SequencedBatches Sequence(FleetRig rig, double capW, params GpuAssignment[] wanted) =>
        rig.Sequencer!.Sequence(wanted, Power.FromWatts(capW), rig.Now, rig.Now + TenSeconds);

    private static GpuCommand CommandFor(SequencedBatches result, string gpu) =>
        result.Batches.SelectMany(b => b.Gpus).Single(c => c.Gpu == gpu);

    private static FleetRig IdleAgent()
    {
        var rig = new FleetRig(withSequencer: true);
        rig.Known("node-1", GpuAt("p/0", 80, workload: null), GpuAt("p/1", 80, workload: null));
        return rig;
    }

    [Fact]
    public void Sequence_IncreaseWithinTheCap_SentAndCounted()
    {
        var rig = IdleAgent();

        var result = Sequence(rig, 2000, Wants("p/0", 700));

        var batch = Assert.Single(result.Batches);
        Assert.Equal((0, BaseW + 780), (result.Held, result.BoundGridW));
        Assert.Equal(new GpuCommand("p/0", "work", 700, ShedStep.Mining), CommandFor(result, "p/0"));
        Assert.Equal(new GpuCommand("p/1", null, 80), CommandFor(result, "p/1"));
        Assert.Equal((AgentJson.Version, "node-1", Epoch, 1L), (batch.V, batch.Node, batch.Epoch, batch.Seq));
        Assert.Equal((rig.Now, rig.Now + TenSeconds, 780.0), (batch.SentAt, batch.ValidUntil, batch.CapShareW));
    }

    [Fact]
    public void Sequence_GpuWithAHigherMinimumThanItsPool_CountedAtWhatItsAgentWillHold()
    {
        // The pool says 200 W minimum, this GPU's agent says 300 W: a 250-W target will be held at 300 W.
        var rig = new FleetRig(withSequencer: true);
        rig.Fleet.OnHeartbeat(new AgentHeartbeat(AgentJson.Version, "node-1", true, rig.Now, "cuda", 10, 0,
            [new GpuInventoryItem("p/0", "p", "GPU", 300, 80, 700)]), rig.Now);
        rig.Report("node-1", 0, GpuAt("p/0", 80, workload: null));

        var tight = Sequence(rig, BaseW + 299, Wants("p/0", 250));
        var room = Sequence(rig, BaseW + 300, Wants("p/0", 250));

        Assert.Equal((1, null), (tight.Held, CommandFor(tight, "p/0").Workload));
        Assert.Equal((0, 300.0), (room.Held, room.Batches.Single().CapShareW));
    }

    [Fact]
    public void Sequence_IncreaseOverTheCap_HeldAndTheFloorSent()
    {
        var rig = IdleAgent();

        var result = Sequence(rig, 1500, Wants("p/0", 700));

        Assert.Equal((1, BaseW + 160), (result.Held, result.BoundGridW));
        Assert.Equal(new GpuCommand("p/0", null, 80), CommandFor(result, "p/0"));
        Assert.Equal(160, Assert.Single(result.Batches).CapShareW);
    }

    [Theory]
    [InlineData(ShedStep.InferenceSla)]
    [InlineData(null)]
    [InlineData(ShedStep.Heater)]
    public void Sequence_RoomForOneIncrease_WorkShedLaterGetsItBeforeMining(ShedStep? other)
    {
        var rig = IdleAgent();

        var result = Sequence(rig, BaseW + 160 + 420 + 10, Wants("p/0", 500, ShedStep.Mining), Wants("p/1", 500, other));

        Assert.Equal(1, result.Held);
        Assert.Equal(500, CommandFor(result, "p/1").TargetW);
        Assert.Null(CommandFor(result, "p/0").Workload);
    }

    [Fact]
    public void Sequence_RoomForOneIncrease_SlaBeforeInferenceAboveSla()
    {
        var rig = IdleAgent();

        var result = Sequence(rig, BaseW + 160 + 420 + 10, Wants("p/0", 500, ShedStep.InferenceAboveSla), Wants("p/1", 500, ShedStep.InferenceSla));

        Assert.Equal(500, CommandFor(result, "p/1").TargetW);
        Assert.Null(CommandFor(result, "p/0").Workload);
    }

    [Fact]
    public void Sequence_LowerCapThanTheSiteDraws_DecreasesStillGoOut()
    {
        var rig = new FleetRig(withSequencer: true);
        rig.Known("node-1", GpuAt("p/0", 700), GpuAt("p/1", 700));

        var result = Sequence(rig, 1500, Wants("p/0", 300), Wants("p/1", 700));

        Assert.Equal(0, result.Held);
        Assert.Equal(300, CommandFor(result, "p/0").TargetW);
        Assert.Equal(700, CommandFor(result, "p/1").TargetW);
        Assert.Equal(1000, Assert.Single(result.Batches).CapShareW);
    }

    [Theory]
    [InlineData(2000, 500, 0)]
    [InlineData(1500, 300, 1)]
    public void Sequence_TargetBetweenFloorAndBound_SentOnlyWhileTheBoundTotalIsUnderTheCap(double capW, double sent, int held)
    {
        var rig = new FleetRig(withSequencer: true);
        rig.Known("node-1", GpuAt("p/0", 300));
        rig.Fleet.Sent(new AssignmentBatch(1, "node-1", Epoch, 99, rig.Now, rig.Now + TenSeconds, 700, [Command("p/0", 700)]));
        Assert.Equal(BaseW + 700, rig.Fleet.BoundGridW(rig.Now));

        var result = Sequence(rig, capW, Wants("p/0", 500));

        Assert.Equal((sent, held), (CommandFor(result, "p/0").TargetW, result.Held));
    }

    [Fact]
    public void Sequence_AgentKnownOnlyFromAHeartbeat_NoBatchButCountsAtMax()
    {
        var rig = IdleAgent();
        rig.Hello("node-2", "p/2");

        var result = Sequence(rig, BaseW + 160 + 700 + 500, Wants("p/0", 700), Wants("p/2", 300));

        var batch = Assert.Single(result.Batches);
        Assert.Equal("node-1", batch.Node);
        Assert.Equal(1, result.Held);   // 620 W more would put the site over, with p/2 counted at 700 W
    }

    [Fact]
    public void Sequence_OfflineAgent_NoBatch()
    {
        var rig = IdleAgent();
        rig.Fleet.OnOffline("node-1", rig.Now);

        Assert.Empty(Sequence(rig, 5000, Wants("p/0", 700)).Batches);
    }

    [Fact]
    public void Sequence_TwoAgents_OneBatchEachSeqRisingCapShareTheClampedSum()
    {
        var rig = IdleAgent();
        rig.Known("node-2", GpuAt("p/2", 80, workload: null));

        var first = Sequence(rig, 10_000, Wants("p/0", 100), Wants("p/1", 900), Wants("p/2", 450));
        var second = Sequence(rig, 10_000, Wants("p/0", 100));

        Assert.Equal([("node-1", 1L, 900.0), ("node-2", 2L, 450.0)], first.Batches.Select(b => (b.Node, b.Seq, b.CapShareW)));
        Assert.Equal([3L, 4L], second.Batches.Select(b => b.Seq));
    }

    [Fact]
    public void Sequence_CoolingOverhead_IncreaseCountedWithIt()
    {
        var site = MakeSite(10_000, overhead: 0.5);
        var rig = new FleetRig();
        var fleet = new Fleet(site, rig.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<Fleet>.Instance);
        var sequencer = new FleetSequencer(site, fleet, Epoch, Start);
        fleet.OnHeartbeat(Heartbeat("node-1", rig.Now, true, "p/0"), rig.Now);
        fleet.OnTelemetry(new AgentTelemetry(1, "node-1", rig.Now, Epoch, 0, "following", 80, 80, [GpuAt("p/0", 80, workload: null)]), rig.Now);

        // 80 W idle → 500 W is 420 W of GPU power and 630 W at the grid.
        var held = sequencer.Sequence([Wants("p/0", 500)], Power.FromWatts(BaseW + 120 + 629), rig.Now, rig.Now + TenSeconds);
        var sent = sequencer.Sequence([Wants("p/0", 500)], Power.FromWatts(BaseW + 120 + 630), rig.Now, rig.Now + TenSeconds);

        Assert.Equal((1, 0), (held.Held, sent.Held));
        Assert.Equal(BaseW + 750, sent.BoundGridW);
    }
}
