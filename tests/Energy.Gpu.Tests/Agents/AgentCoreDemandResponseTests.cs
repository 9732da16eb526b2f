using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Gpu.Agents;
using Microsoft.Extensions.Time.Testing;
using static Energy.Gpu.Tests.Agents.AgentRig;

namespace Energy.Gpu.Tests.Agents;

/// <summary>
/// Under-frequency response of <see cref="AgentCore"/>: five simulated GPUs (idle 80 W) running mining
/// 500 W, heater 600 W, SLA inference 400 W, inference never shed (no shed step) 300 W and inference above
/// SLA 350 W, settled, on a batch valid for ten minutes with room to spare.
/// </summary>
public class AgentCoreDemandResponseTests
{
    private const double Running = 500 + 600 + 400 + 300 + 350;

    private static readonly DemandResponsePolicy NoStagger = DemandResponsePolicy.NordicFfr with { RestoreStagger = TimeSpan.Zero };

    private static GpuCommand[] Work5 =>
    [
        Work("p/0", 500, ShedStep.Mining, "mining"),
        Work("p/1", 600, ShedStep.Heater, "heater"),
        Work("p/2", 400, ShedStep.InferenceSla, "sla"),
        Work("p/3", 300, null, "protected"),
        Work("p/4", 350, ShedStep.InferenceAboveSla, "above-sla"),
    ];

    private static AgentRig Running5(DemandResponsePolicy? policy = null, IReadOnlyList<ShedStep>? order = null, string node = "node-1",
        FakeTimeProvider? time = null, GpuCommand[]? gpus = null)
    {
        var rig = new AgentRig(gpus: 5, options: WithDemandResponse(policy ?? NoStagger, order: order), node: node, time: time);
        var ack = rig.Agent.Apply(rig.Batch(1, 1, 5000, TimeSpan.FromMinutes(10), gpus ?? Work5));
        Assert.Null(ack.Refusal);
        rig.Run(TimeSpan.FromSeconds(3));
        return rig;
    }

    [Fact]
    public void OnFrequency_FirstStage_ShedsSheddableWorkWithEvidence()
    {
        var rig = Running5();
        var seen = rig.Now;

        var evidence = rig.Agent.OnFrequency(new FrequencySample(49.65, seen - TimeSpan.FromMilliseconds(40)), seen);

        Assert.NotNull(evidence);
        Assert.Equal(("frequency", "node-1", 49.65, 49.7, 1.3), (evidence.Kind, evidence.Node, evidence.Trigger, evidence.Threshold, evidence.DeadlineSeconds));
        Assert.Equal((seen - TimeSpan.FromMilliseconds(40), seen, seen), (evidence.SignalAt, evidence.SeenAt, evidence.CommandedAt));
        Assert.Null(evidence.PowerObservedAt);
        Assert.Equal((3, Running, Running - 420 - 520 - 270), (evidence.GpusCommanded, evidence.BeforeW, evidence.TargetW));
        Assert.Equal(AgentState.Shedding, rig.Agent.State);
        Assert.Equal(evidence.TargetW, rig.Agent.CommandedW);
        Assert.Equal((null, 80.0), (rig.Read("p/0").Workload, rig.Read("p/0").PowerTarget.Watts));
        Assert.Equal(400, rig.Read("p/2").PowerTarget.Watts);   // SLA inference is not in the default shed order
        Assert.Equal(300, rig.Read("p/3").PowerTarget.Watts);   // no shed step: never shed
    }

    [Fact]
    public void Telemetry_WhileShedding_ShedGpusReportWantedAboveTarget()
    {
        var rig = Running5();
        rig.Frequency(49.6);

        var telemetry = rig.Agent.Telemetry();

        Assert.Equal(AgentState.Shedding, telemetry.State);
        var mining = telemetry.Gpus.Single(g => g.Gpu == "p/0");
        Assert.Equal((80.0, 500.0, AgentState.Shedding, (string?)null), (mining.TargetW, mining.WantedW, mining.State, mining.Workload));
        var sla = telemetry.Gpus.Single(g => g.Gpu == "p/2");
        Assert.Equal((400.0, 400.0, "running"), (sla.TargetW, sla.WantedW, sla.State));
    }

    [Fact]
    public void OnFrequency_SmallFraction_MiningBeforeHeater()
    {
        var rig = Running5(NoStagger with { Stages = [new FrequencyStage(49.7, 0.3, TimeSpan.FromSeconds(1.3))] });

        var evidence = rig.Frequency(49.65);

        // 30 % of 1210 W sheddable: the mining GPU (420 W above idle) alone is enough.
        Assert.Equal(1, evidence?.GpusCommanded);
        Assert.Null(rig.Read("p/0").Workload);
        Assert.Equal(600, rig.Read("p/1").PowerTarget.Watts);
        Assert.Equal(350, rig.Read("p/4").PowerTarget.Watts);
    }

    [Fact]
    public void OnFrequency_SmallFraction_HeaterBeforeLargerInferenceAboveSla()
    {
        var rig = Running5(NoStagger with { Stages = [new FrequencyStage(49.7, 0.3, TimeSpan.FromSeconds(1.3))] },
            gpus: [Work("p/1", 600, ShedStep.Heater), Work("p/4", 700, ShedStep.InferenceAboveSla)]);

        rig.Frequency(49.65);

        Assert.Null(rig.Read("p/1").Workload);
        Assert.Equal(700, rig.Read("p/4").PowerTarget.Watts);
    }

    [Fact]
    public void OnFrequency_SmallFraction_LargestOfAStepFirst()
    {
        var rig = Running5(NoStagger with { Stages = [new FrequencyStage(49.7, 0.3, TimeSpan.FromSeconds(1.3))] },
            gpus: [Work("p/0", 300), Work("p/1", 600)]);

        rig.Frequency(49.65);

        Assert.Equal(300, rig.Read("p/0").PowerTarget.Watts);
        Assert.Null(rig.Read("p/1").Workload);
    }

    [Fact]
    public void OnFrequency_SlaInTheShedOrder_SlaShedButNeverWorkWithoutAStep()
    {
        var rig = Running5(order: [ShedStep.Mining, ShedStep.Heater, ShedStep.InferenceAboveSla, ShedStep.InferenceSla]);

        var evidence = rig.Frequency(49.6);

        Assert.Equal(4, evidence?.GpusCommanded);
        Assert.Null(rig.Read("p/2").Workload);
        Assert.Equal(300, rig.Read("p/3").PowerTarget.Watts);
    }

    [Fact]
    public void OnFrequency_DeeperStageWithLargerFraction_ShedsMore()
    {
        var rig = Running5(NoStagger with
        {
            Stages = [new FrequencyStage(49.7, 0.3, TimeSpan.FromSeconds(1.3)), new FrequencyStage(49.5, 1.0, TimeSpan.FromSeconds(0.7))],
        });
        rig.Frequency(49.65);

        var deeper = rig.Frequency(49.45);

        Assert.NotNull(deeper);
        Assert.Equal((2, 49.5, 0.7), (deeper.GpusCommanded, deeper.Threshold, deeper.DeadlineSeconds));
        Assert.Equal(Running - 420 - 520 - 270, rig.Agent.CommandedW);
    }

    [Fact]
    public void OnFrequency_SameOrShallowerStageWhileShedding_NothingMore()
    {
        var rig = Running5(NoStagger with
        {
            Stages = [new FrequencyStage(49.7, 0.3, TimeSpan.FromSeconds(1.3)), new FrequencyStage(49.5, 1.0, TimeSpan.FromSeconds(0.7))],
        });
        rig.Frequency(49.45);
        var commanded = rig.Agent.CommandedW;

        Assert.Null(rig.Frequency(49.45));
        Assert.Null(rig.Frequency(49.65));
        Assert.Equal(commanded, rig.Agent.CommandedW);
        Assert.Equal(AgentState.Shedding, rig.Agent.State);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(40)]
    [InlineData(44.99)]
    [InlineData(60)]
    public void OnFrequency_Implausible_IgnoredAndLogged(double hz)
    {
        var rig = Running5();

        Assert.Null(rig.Frequency(hz));

        Assert.Equal(AgentState.Following, rig.Agent.State);
        Assert.Equal(Running, rig.Agent.CommandedW);
        Assert.Single(rig.Logger.WithEventId(2204));
    }

    [Theory]
    [InlineData(-5.001)]
    [InlineData(5.001)]
    [InlineData(-60)]
    public void OnFrequency_SampleOlderOrNewerThanMaxFrequencyAge_Ignored(double ageSeconds)
    {
        var rig = Running5();

        var evidence = rig.Agent.OnFrequency(new FrequencySample(49.5, rig.Now - TimeSpan.FromSeconds(ageSeconds)), rig.Now);

        Assert.Null(evidence);
        Assert.Equal(AgentState.Following, rig.Agent.State);
        Assert.Single(rig.Logger.WithEventId(2205));
    }

    [Fact]
    public void OnFrequency_SampleExactlyMaxFrequencyAgeOld_ActedOn()
    {
        var rig = Running5();

        Assert.NotNull(rig.Agent.OnFrequency(new FrequencySample(49.5, rig.Now - TimeSpan.FromSeconds(5)), rig.Now));
    }

    [Fact]
    public void Tick_AfterShed_PowerObservedOnceWhenTheGpusHaveComeDown()
    {
        var rig = Running5();
        var shed = rig.Frequency(49.6)!;

        Assert.Empty(rig.Agent.Tick());
        var events = rig.Run(TimeSpan.FromSeconds(3));

        // 1210 W to come down: the kernels stop 25 ms after the command, then the boards fall with τ = 20 ms; the
        // instant reading (25-ms windows) shows 95 % of it gone in the window ending at 100 ms, published on that tick.
        var observed = Assert.Single(events);
        Assert.Equal(TimeSpan.FromMilliseconds(100), observed.PowerObservedAt!.Value - shed.CommandedAt);
        Assert.Equal(shed, observed with { PowerObservedAt = null });
        Assert.Equal(0.1, observed.PowerDownSeconds!.Value, 1e-9);
        Assert.True(observed.MetDeadline);
        Assert.Equal(("simulated-instant", 25.0), (observed.PowerReading, observed.PowerReadingWindowMs));
    }

    [Fact]
    public void Tick_FrequencyRecoveredForTheHold_RestoredWithEvidence()
    {
        var rig = Running5();
        rig.Frequency(49.6);
        rig.Run(TimeSpan.FromSeconds(3));
        var recovered = rig.Now;
        rig.Frequency(49.95);

        Assert.Empty(rig.Run(TimeSpan.FromSeconds(29.9)));
        Assert.Equal(AgentState.Shedding, rig.Agent.State);
        var restore = Assert.Single(rig.Run(TimeSpan.FromSeconds(0.1)));

        Assert.Equal(("restore", 49.9, 49.6), (restore.Kind, restore.Trigger, restore.Threshold));
        Assert.Equal((recovered, recovered + TimeSpan.FromSeconds(30)), (restore.SignalAt, restore.CommandedAt));
        Assert.Equal((Running - 1210, Running, 3), (restore.BeforeW, restore.TargetW, restore.GpusCommanded));
        Assert.Equal(AgentState.Following, rig.Agent.State);
        Assert.Equal(("mining", 500.0), (rig.Read("p/0").Workload, rig.Read("p/0").PowerTarget.Watts));
    }

    [Fact]
    public void Tick_FrequencyFeedSilentAfterOneGoodSample_NoRecoveryCountedRestoredOnlyByTheLostFeedRule()
    {
        // A recovery needs a live feed; a silent one ends the shed by onFrequencyLost (30 s after the last sample by default), not by the recovery hold.
        var rig = Running5();
        rig.Frequency(49.6);
        var last = rig.Now;
        rig.Frequency(49.95);
        rig.FeedFrequency = false;

        var restore = Assert.Single(rig.Run(TimeSpan.FromSeconds(120)), e => e.Kind == "restore");
        Assert.Equal(last + FrequencyLossRule.Default.RestoreAfter!.Value, restore.CommandedAt);
        Assert.Single(rig.Logger.WithEventId(2427));
        Assert.Empty(rig.Logger.WithEventId(2207));
    }

    [Fact]
    public void Tick_FrequencyAboveStagesButBelowRestore_NoRestore()
    {
        var rig = Running5();
        rig.Frequency(49.6);

        rig.Frequency(49.85);
        rig.Run(TimeSpan.FromSeconds(60));

        Assert.Equal(AgentState.Shedding, rig.Agent.State);
        Assert.Equal(80, rig.Read("p/0").PowerTarget.Watts);
    }

    [Fact]
    public void Tick_SampleBelowRestoreDuringTheHold_HoldStartsAgain()
    {
        var rig = Running5();
        rig.Frequency(49.6);
        rig.Frequency(49.95);
        rig.Run(TimeSpan.FromSeconds(20));
        rig.Frequency(49.85);
        rig.Run(TimeSpan.FromSeconds(5));
        var again = rig.Now;
        rig.Frequency(49.95);

        Assert.Empty(rig.Run(TimeSpan.FromSeconds(29.9)));
        var restore = Assert.Single(rig.Run(TimeSpan.FromSeconds(0.1)));
        Assert.Equal(again + TimeSpan.FromSeconds(30), restore.CommandedAt);
    }

    [Fact]
    public void Tick_StageAgainDuringTheHold_HoldStartsAgain()
    {
        var rig = Running5();
        rig.Frequency(49.6);
        rig.Frequency(49.95);
        rig.Run(TimeSpan.FromSeconds(20));

        Assert.Null(rig.Frequency(49.6));
        rig.Run(TimeSpan.FromSeconds(20));

        Assert.Equal(AgentState.Shedding, rig.Agent.State);
    }

    [Fact]
    public void Tick_TwoAgentsWithAStagger_RestoreAtDifferentTimesWithinTheWindow()
    {
        var time = new FakeTimeProvider(Start);
        var policy = DemandResponsePolicy.NordicFfr;
        var rigs = new[] { Running5(policy, node: "node-a", time: time), Running5(policy, node: "node-b", time: time) };
        foreach (var rig in rigs)
        {
            rig.Frequency(49.6);
            rig.Frequency(49.95);
        }

        var recovered = time.GetUtcNow();
        var restoredAt = new DateTimeOffset?[2];
        var ticks = 0;
        while (time.GetUtcNow() < recovered + policy.RestoreHold + policy.RestoreStagger + TimeSpan.FromSeconds(1))
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            for (var i = 0; i < rigs.Length; i++)
            {
                if (++ticks % 20 < 2)
                {
                    rigs[i].Frequency(49.95);   // the meter keeps reporting once a second
                }

                if (rigs[i].Agent.Tick().Any(e => e.Kind == "restore"))
                {
                    restoredAt[i] ??= time.GetUtcNow();
                }
            }
        }

        Assert.All(restoredAt, at =>
        {
            Assert.NotNull(at);
            Assert.InRange(at.Value - recovered, policy.RestoreHold, policy.RestoreHold + policy.RestoreStagger);
        });
        Assert.True((restoredAt[1]!.Value - restoredAt[0]!.Value).Duration() >= TimeSpan.FromSeconds(1), $"both restored at {restoredAt[0]:O}");
    }

    [Fact]
    public void Apply_WhileShedding_ShedGpusStayShed()
    {
        var rig = Running5();
        rig.Frequency(49.6);

        rig.Agent.Apply(rig.Batch(1, 2, 5000, TimeSpan.FromMinutes(10), Work5));

        Assert.Equal(AgentState.Shedding, rig.Agent.State);
        Assert.Null(rig.Read("p/0").Workload);
        Assert.Equal(500, rig.Reported("p/0").WantedW);
    }
}
