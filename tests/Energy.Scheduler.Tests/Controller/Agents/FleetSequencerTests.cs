using Energy.Contracts.Agents;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.Agents;
using static Energy.Scheduler.Tests.Controller.Agents.FleetRig;

namespace Energy.Scheduler.Tests.Controller.Agents;

/// <summary>Site figures are grid watts: 1000 W base load plus GPU watts (no cooling overhead).</summary>
public class FleetSequencerTests
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    private static GpuAssignment Wants(string gpu, double watts, ShedStep? shed = ShedStep.Mining, string? workload = "work") =>
        new(gpu, workload, Power.FromWatts(watts), Start + TimeSpan.FromMinutes(5), Epoch) { Shed = shed };

    private static SequencedBatches Sequence(FleetRig rig, double capW, params GpuAssignment[] wanted) =>
        rig.Sequencer!.Sequence(wanted, new CapLimits(Power.FromWatts(capW), Power.FromWatts(BaseW)), rig.Now, rig.Now + TenSeconds);

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

        var tight = Sequence(rig, BaseW + 299, Wants("p/0", 250, shed: null));
        var room = Sequence(rig, BaseW + 300, Wants("p/0", 250, shed: null));

        Assert.Equal((1, null), (tight.Held, CommandFor(tight, "p/0").Workload));
        Assert.Equal((0, 300.0), (room.Held, room.Batches.Single().CapShareW));
    }

    [Fact]
    public void Sequence_IncreaseOverTheCap_HeldAndTheFloorSent()
    {
        var rig = IdleAgent();

        var result = Sequence(rig, 1500, Wants("p/0", 700, shed: null));

        Assert.Equal((1, BaseW + 160), (result.Held, result.BoundGridW));
        Assert.Equal(new GpuCommand("p/0", null, 80), CommandFor(result, "p/0"));
        Assert.Equal(160, Assert.Single(result.Batches).CapShareW);
    }

    /// <summary>
    /// Two idle GPUs and a third coming down from 700 W: where all three end up fits under the cap, but until
    /// the third's decrease is acknowledged there is room for one of the two increases only.
    /// </summary>
    private static (FleetRig Rig, double CapW) RoomForOneIncrease()
    {
        var rig = IdleAgent();
        rig.Known("node-2", GpuAt("p/2", 700));
        return (rig, BaseW + 80 + 80 + 700 + 420 + 10);
    }

    [Theory]
    [InlineData(ShedStep.InferenceSla)]
    [InlineData(null)]
    [InlineData(ShedStep.Heater)]
    public void Sequence_RoomForOneIncrease_WorkShedLaterGetsItBeforeMining(ShedStep? other)
    {
        var (rig, cap) = RoomForOneIncrease();

        var result = Sequence(rig, cap, Wants("p/0", 500, ShedStep.Mining), Wants("p/1", 500, other), Wants("p/2", 80, workload: null));

        Assert.Equal(1, result.Held);
        Assert.Equal(500, CommandFor(result, "p/1").TargetW);
        Assert.Null(CommandFor(result, "p/0").Workload);
        Assert.Empty(result.Explanations);
    }

    [Fact]
    public void Sequence_RoomForOneIncrease_SlaBeforeInferenceAboveSla()
    {
        var (rig, cap) = RoomForOneIncrease();

        var result = Sequence(rig, cap, Wants("p/0", 500, ShedStep.InferenceAboveSla), Wants("p/1", 500, ShedStep.InferenceSla), Wants("p/2", 80, workload: null));

        Assert.Equal(500, CommandFor(result, "p/1").TargetW);
        Assert.Null(CommandFor(result, "p/0").Workload);
    }

    [Fact]
    public void Sequence_WantedOverTheLimit_ShedInTheShedOrderLargestFirstAndSaidSo()
    {
        var rig = IdleAgent();
        rig.Known("node-2", GpuAt("p/2", 80, workload: null));

        // Everything wanted is 1000 + 600 + 500 + 400 W; 1700 W holds 1000 W of base load and 700 W of GPUs.
        var result = Sequence(rig, 1700, Wants("p/0", 600, ShedStep.Mining), Wants("p/1", 500, ShedStep.Heater), Wants("p/2", 400, ShedStep.Mining));

        Assert.Equal((null, "work", null), (CommandFor(result, "p/0").Workload, CommandFor(result, "p/1").Workload, CommandFor(result, "p/2").Workload));
        Assert.Equal(0, result.Held);
        Assert.Equal("holding the site under 1.7 kW (the grid cap): 2 GPUs shed in the shed order (0.8 kW)", Assert.Single(result.Explanations));
        Assert.Equal([null, "work", null], result.Sent.Select(a => a.Workload));
    }

    [Fact]
    public void Sequence_MoreBaseLoadThanPlanned_ShedsWithinTheTick()
    {
        var rig = new FleetRig(withSequencer: true);
        rig.Known("node-1", GpuAt("p/0", 700), GpuAt("p/1", 700));

        // The meter shows 600 W more base load: 1600 + 1400 W is over a 2500-W limit, so one mining GPU goes idle now.
        var limits = new CapLimits(Power.FromWatts(2500), Power.FromWatts(BaseW + 600), Why: "the grid cap; the site meter shows 1.6 kW of other load");
        var result = rig.Sequencer!.Sequence([Wants("p/0", 700), Wants("p/1", 700)], limits, rig.Now, rig.Now + TenSeconds);

        Assert.Equal(1, result.Batches.SelectMany(b => b.Gpus).Count(c => c.Workload is null));
        Assert.Contains("site meter", Assert.Single(result.Explanations), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData(2000.0, 6)]
    [InlineData(620.0, 8)]
    public void Sequence_RampAllowance_IncreasesBeyondItHeldTheirDeadmanRenewed(double? rampW, int held)
    {
        var rig = new FleetRig(withSequencer: true);
        var gpus = Enumerable.Range(0, 8).Select(i => $"p/{i}").ToArray();
        rig.Known("node-1", [.. gpus.Select(g => GpuAt(g, 80, workload: null))]);
        var wanted = gpus.Select(g => Wants(g, 700)).Append(Wants("p/8", 700)).ToArray();
        rig.Known("node-2", GpuAt("p/8", 80, workload: null));

        var limits = new CapLimits(Power.FromWatts(100_000), Power.FromWatts(BaseW), rampW is { } r ? Power.FromWatts(r) : null);
        var result = rig.Sequencer!.Sequence(wanted, limits, rig.Now, rig.Now + TenSeconds);

        // 620 W more per GPU: three fit in 2 kW, one in 620 W; the held ones are sent what they have (idle), renewed.
        Assert.Equal(held, result.Held);
        Assert.Equal(9 - held, result.Batches.SelectMany(b => b.Gpus).Count(c => c.Workload is not null));
        Assert.All(result.Batches, b => Assert.Equal(rig.Now + TenSeconds, b.ValidUntil));
    }

    [Fact]
    public void Sequence_LowerCapThanTheSiteDraws_DecreasesStillGoOut()
    {
        var rig = new FleetRig(withSequencer: true);
        rig.Known("node-1", GpuAt("p/0", 700), GpuAt("p/1", 700));

        var result = Sequence(rig, 1500, Wants("p/0", 300, shed: null), Wants("p/1", 700, shed: null));

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
        Assert.Equal(BaseW + 700, BaseW + rig.Fleet.BoundControlledW(rig.Now));

        var result = Sequence(rig, capW, Wants("p/0", 500));

        Assert.Equal((sent, held), (CommandFor(result, "p/0").TargetW, result.Held));
    }

    [Fact]
    public void Sequence_AgentKnownOnlyFromAHeartbeat_NoBatchButCountsAtMax()
    {
        var rig = IdleAgent();
        rig.Hello("node-2", "p/2");

        var result = Sequence(rig, BaseW + 160 + 700 + 500, Wants("p/0", 700, shed: null), Wants("p/2", 300, shed: null));

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
        var held = sequencer.Sequence([Wants("p/0", 500, shed: null)], new CapLimits(Power.FromWatts(BaseW + 120 + 629), Power.FromWatts(BaseW)), rig.Now, rig.Now + TenSeconds);
        var sent = sequencer.Sequence([Wants("p/0", 500, shed: null)], new CapLimits(Power.FromWatts(BaseW + 120 + 630), Power.FromWatts(BaseW)), rig.Now, rig.Now + TenSeconds);

        Assert.Equal((1, 0), (held.Held, sent.Held));
        Assert.Equal(BaseW + 750, sent.BoundGridW);
    }
}
