using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Gpu.Agents;
using Microsoft.Extensions.Logging;
using static Energy.Gpu.Tests.Agents.AgentRig;

namespace Energy.Gpu.Tests.Agents;

/// <summary>Batches, the cap share and the dead-man of <see cref="AgentCore"/> over three simulated GPUs (idle 80 W, 200–700 W).</summary>
public class AgentCoreTests
{
    private readonly AgentRig _rig = new();

    private AgentCore Agent => _rig.Agent;

    [Fact]
    public void Constructor_NoBatchYet_GpusIdleAndSafe()
    {
        Assert.Equal(AgentState.Safe, Agent.State);
        Assert.Equal(240, Agent.CommandedW);
        Assert.All(_rig.Gpus, g => Assert.Null(g.Read().Workload));
    }

    [Fact]
    public void Apply_ValidBatch_AppliedAndAcked()
    {
        var ack = Agent.Apply(_rig.Batch(1, 1000, Work("p/0", 400), Work("p/1", 300, ShedStep.Heater, "heater")));

        Assert.Null(ack.Refusal);
        Assert.Empty(ack.Refused);
        Assert.Equal((1L, 1L, "node-1"), (ack.Epoch, ack.Seq, ack.Node));
        Assert.Equal(780, ack.CommandedW);
        Assert.Equal(0, ack.HeldW);
        Assert.Equal(780, Agent.CommandedW);
        Assert.Equal(AgentState.Following, Agent.State);
        Assert.Equal(("work", 400.0), (_rig.Read("p/0").Workload, _rig.Read("p/0").PowerTarget.Watts));
        Assert.Equal(("heater", 300.0), (_rig.Read("p/1").Workload, _rig.Read("p/1").PowerTarget.Watts));
        Assert.Null(_rig.Read("p/2").Workload);
    }

    [Fact]
    public void Apply_TargetOutsideTheGpusRange_ClampedToIt()
    {
        Agent.Apply(_rig.Batch(1, 1000, Work("p/0", 50), Work("p/1", 900)));

        Assert.Equal(200, _rig.Read("p/0").PowerTarget.Watts);
        Assert.Equal(700, _rig.Read("p/1").PowerTarget.Watts);
    }

    [Fact]
    public void Apply_OlderEpoch_RefusedAndNothingChanges()
    {
        Agent.Apply(_rig.Batch(5, 1, 1000, TimeSpan.FromSeconds(10), Work("p/0", 400)));

        var ack = Agent.Apply(_rig.Batch(4, 9, 2000, TimeSpan.FromSeconds(10), Work("p/0", 700)));

        Assert.Contains("epoch 4 is older than 5", ack.Refusal, StringComparison.Ordinal);
        Assert.Equal(400, _rig.Read("p/0").PowerTarget.Watts);
        Assert.Equal(560, ack.CommandedW);
        Assert.Single(_rig.Logger.WithEventId(2202));
    }

    [Fact]
    public void Apply_OlderSeq_Refused()
    {
        Agent.Apply(_rig.Batch(5, 1000, Work("p/0", 400)));

        var ack = Agent.Apply(_rig.Batch(4, 1000, Work("p/0", 200)));

        Assert.Contains("sequence 4 is older than 5", ack.Refusal, StringComparison.Ordinal);
        Assert.Equal(400, _rig.Read("p/0").PowerTarget.Watts);
    }

    [Fact]
    public void Apply_DuplicateSeq_AckedAsDuplicateWithoutWarning()
    {
        var batch = _rig.Batch(5, 1000, Work("p/0", 400));
        Agent.Apply(batch);

        var ack = Agent.Apply(batch);

        // "duplicate" is the one refusal the controller treats as an acknowledgement (Fleet.OnAck).
        Assert.Equal("duplicate", ack.Refusal);
        Assert.Equal((5L, 560.0), (ack.Seq, ack.CommandedW));
        Assert.DoesNotContain(_rig.Logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void Apply_ValidUntilPassed_Refused()
    {
        var batch = _rig.Batch(1, 1000, Work("p/0", 400)) with { ValidUntil = _rig.Now };

        var ack = Agent.Apply(batch);

        Assert.StartsWith("expired at", ack.Refusal, StringComparison.Ordinal);
        Assert.Equal(AgentState.Safe, Agent.State);
        Assert.Null(_rig.Read("p/0").Workload);
    }

    [Fact]
    public void Apply_SentLongerAgoThanMaxAge_Refused()
    {
        var batch = _rig.Batch(1, 1000, Work("p/0", 400));
        _rig.Time.Advance(AssignmentBatch.MaxAge + TimeSpan.FromMilliseconds(1));

        var ack = Agent.Apply(batch);

        Assert.StartsWith("sent 3.0 s ago", ack.Refusal, StringComparison.Ordinal);
        Assert.Null(_rig.Read("p/0").Workload);
    }

    [Fact]
    public void Apply_SentExactlyMaxAgeAgo_Applied()
    {
        var batch = _rig.Batch(1, 1000, Work("p/0", 400));
        _rig.Time.Advance(AssignmentBatch.MaxAge);

        Assert.Null(Agent.Apply(batch).Refusal);
    }

    [Fact]
    public void Apply_BatchForAnotherNode_Refused()
    {
        var ack = Agent.Apply(_rig.Batch(1, 1000, Work("p/0", 400)) with { Node = "node-2" });

        Assert.Equal("batch for node 'node-2' reached node 'node-1'", ack.Refusal);
        Assert.Equal("node-1", ack.Node);
        Assert.Null(_rig.Read("p/0").Workload);
    }

    [Fact]
    public void Apply_UnknownSchemaVersion_Refused()
    {
        var ack = Agent.Apply(_rig.Batch(1, 1000, Work("p/0", 400)) with { V = 2 });

        Assert.Equal("schema version 2 is not supported", ack.Refusal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1)]
    [InlineData(double.PositiveInfinity)]
    public void Apply_CapShareNotAPower_Refused(double capShareW)
    {
        var ack = Agent.Apply(_rig.Batch(1, capShareW, Work("p/0", 400)));

        Assert.Contains("is not a power", ack.Refusal, StringComparison.Ordinal);
        Assert.Null(_rig.Read("p/0").Workload);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-5)]
    [InlineData(double.NegativeInfinity)]
    public void Apply_TargetNotAPower_ThatGpuRefusedTheOthersApplied(double targetW)
    {
        var ack = Agent.Apply(_rig.Batch(1, 1000, Work("p/0", targetW), Work("p/1", 300)));

        Assert.Null(ack.Refusal);
        var refused = Assert.Single(ack.Refused);
        Assert.Equal("p/0", refused.Gpu);
        Assert.Contains("is not a power", refused.Reason, StringComparison.Ordinal);
        Assert.Null(_rig.Read("p/0").Workload);
        Assert.Equal(300, _rig.Read("p/1").PowerTarget.Watts);
    }

    [Fact]
    public void Apply_UnknownGpu_RefusedInRefused()
    {
        var ack = Agent.Apply(_rig.Batch(1, 1000, Work("p/9", 400), Work("p/1", 300)));

        var refused = Assert.Single(ack.Refused);
        Assert.Equal(("p/9", "node node-1 has no GPU 'p/9'"), (refused.Gpu, refused.Reason));
        Assert.Equal(300, _rig.Read("p/1").PowerTarget.Watts);
    }

    [Fact]
    public void ObserveEpoch_Newer_OlderBatchesRefusedNewerFollowed()
    {
        Agent.ObserveEpoch(7);

        var older = Agent.Apply(_rig.Batch(6, 99, 1000, TimeSpan.FromSeconds(10), Work("p/0", 400)));
        var current = Agent.Apply(_rig.Batch(7, 1, 1000, TimeSpan.FromSeconds(10), Work("p/0", 500)));

        Assert.Contains("epoch 6 is older than 7", older.Refusal, StringComparison.Ordinal);
        Assert.Null(current.Refusal);
        Assert.Equal(7, Agent.Epoch);
        Assert.Equal(500, _rig.Read("p/0").PowerTarget.Watts);
    }

    [Fact]
    public void ObserveEpoch_Older_Ignored()
    {
        Agent.Apply(_rig.Batch(7, 3, 1000, TimeSpan.FromSeconds(10), Work("p/0", 400)));

        Agent.ObserveEpoch(6);

        Assert.Equal(7, Agent.Epoch);
        Assert.Equal("duplicate", Agent.Apply(_rig.Batch(7, 3, 1000, TimeSpan.FromSeconds(10), Work("p/0", 500))).Refusal);
    }

    [Fact]
    public void Apply_IncreasesWithinCapShare_AppliedAtOnce()
    {
        var ack = Agent.Apply(_rig.Batch(1, 1480, Work("p/1", 700), Work("p/2", 700)));

        Assert.Equal((1480.0, 0.0), (ack.CommandedW, ack.HeldW));
        Assert.Equal(700, _rig.Read("p/2").PowerTarget.Watts);
    }

    [Fact]
    public void Apply_IncreaseWhileAnotherGpuStillComesDown_HeldUntilItsPowerIsDown()
    {
        Agent.Apply(_rig.Batch(1, 860, Work("p/0", 700)));
        _rig.Run(TimeSpan.FromSeconds(3));

        // The same share moves from p/0 to p/1: p/0 comes down at once, p/1 waits for p/0's power.
        var ack = Agent.Apply(_rig.Batch(2, 860, Idle("p/0"), Work("p/1", 700)));

        Assert.Equal((240.0, 620.0), (ack.CommandedW, ack.HeldW));
        Assert.Equal(80, _rig.Read("p/0").PowerTarget.Watts);
        Assert.Equal(80, _rig.Read("p/1").PowerTarget.Watts);
        Assert.Equal((80.0, 700.0), (_rig.Reported("p/1").TargetW, _rig.Reported("p/1").WantedW));

        // p/0's kernels stop after the launch in flight (25 ms), then its board falls with τ = 20 ms: at the
        // tick 100 ms on its reading (the mean over 75–100 ms) still shows ≈ 109 W.
        _rig.Run(TimeSpan.FromSeconds(0.1));
        Assert.Equal(80, _rig.Read("p/1").PowerTarget.Watts);
        Assert.InRange(_rig.Read("p/0").Power.Watts, 100, 120);

        _rig.Run(TimeSpan.FromSeconds(0.1));
        Assert.Equal(700, _rig.Read("p/1").PowerTarget.Watts);
        Assert.Equal(860, Agent.CommandedW);
        Assert.Equal(_rig.Reported("p/1").TargetW, _rig.Reported("p/1").WantedW);
    }

    [Fact]
    public void Apply_IncreasesBeyondTheCapShare_HeldSlaFirstThenTheRest()
    {
        var ack = Agent.Apply(_rig.Batch(1, 780,
            Work("p/0", 700, ShedStep.Mining), Work("p/1", 700, ShedStep.InferenceSla), Work("p/2", 700, ShedStep.Heater)));

        // No room for any increase (240 + 620 > 780 + 0.5 W).
        Assert.Equal(240, ack.CommandedW);
        Assert.Equal(3 * 620, ack.HeldW);

        var room = Agent.Apply(_rig.Batch(2, 860,
            Work("p/0", 700, ShedStep.Mining), Work("p/1", 700, ShedStep.InferenceSla), Work("p/2", 700, ShedStep.Heater)));

        Assert.Equal((860.0, 1240.0), (room.CommandedW, room.HeldW));
        Assert.Equal(700, _rig.Read("p/1").PowerTarget.Watts);
        Assert.Equal(80, _rig.Read("p/0").PowerTarget.Watts);
        Assert.Equal(80, _rig.Read("p/2").PowerTarget.Watts);
        Assert.Equal(700, _rig.Reported("p/0").WantedW);
    }

    [Fact]
    public void Apply_TwoIncreasesOnlyOneFits_HeaterBeforeMining()
    {
        var ack = Agent.Apply(_rig.Batch(1, 560, Work("p/0", 400, ShedStep.Mining), Work("p/1", 400, ShedStep.Heater)));

        Assert.Equal((560.0, 320.0), (ack.CommandedW, ack.HeldW));
        Assert.Equal(400, _rig.Read("p/1").PowerTarget.Watts);
        Assert.Null(_rig.Read("p/0").Workload);
    }

    [Fact]
    public void Tick_ValidUntilPassedIdleSafeState_GpusIdleAndStateSafe()
    {
        Agent.Apply(_rig.Batch(1, 2, 1000, TimeSpan.FromSeconds(5), Work("p/0", 500), Work("p/1", 300)));

        _rig.Run(TimeSpan.FromSeconds(4.9));
        Assert.Equal(AgentState.Following, Agent.State);
        _rig.Run(TimeSpan.FromSeconds(0.1));

        Assert.Equal(AgentState.Safe, Agent.State);
        Assert.Equal(240, Agent.CommandedW);
        Assert.All(_rig.Gpus, g => Assert.Equal((null, 80.0), (g.Read().Workload, g.Read().PowerTarget.Watts)));
        Assert.Single(_rig.Logger.WithEventId(2203));
    }

    [Fact]
    public void Tick_ValidUntilPassedMinimumPowerSafeState_WorkKeptAtMinimumPower()
    {
        var rig = new AgentRig(options: AgentOptions.Default with { SafeState = SafeState.MinimumPower });
        rig.Agent.Apply(rig.Batch(1, 2, 1000, TimeSpan.FromSeconds(5), Work("p/0", 500), Work("p/1", 300)));

        rig.Run(TimeSpan.FromSeconds(5));

        Assert.Equal(AgentState.Safe, rig.Agent.State);
        Assert.Equal(("work", 200.0), (rig.Read("p/0").Workload, rig.Read("p/0").PowerTarget.Watts));
        Assert.Equal(("work", 200.0), (rig.Read("p/1").Workload, rig.Read("p/1").PowerTarget.Watts));
        Assert.Equal((null, 80.0), (rig.Read("p/2").Workload, rig.Read("p/2").PowerTarget.Watts));
        Assert.Equal(480, rig.Agent.CommandedW);
    }

    [Fact]
    public void Apply_AfterTheDeadman_FollowedAgain()
    {
        Agent.Apply(_rig.Batch(1, 1, 1000, TimeSpan.FromSeconds(1), Work("p/0", 500)));
        _rig.Run(TimeSpan.FromSeconds(2));

        Agent.Apply(_rig.Batch(1, 2, 1000, TimeSpan.FromSeconds(10), Work("p/0", 500)));

        Assert.Equal(AgentState.Following, Agent.State);
        Assert.Equal(500, _rig.Read("p/0").PowerTarget.Watts);
    }

    [Fact]
    public void Heartbeat_Inventory_EveryGpuWithItsRange()
    {
        Agent.ObserveEpoch(42);

        var heartbeat = Agent.Heartbeat(true, "simulated", TimeSpan.FromSeconds(10));

        Assert.Equal((true, 42L, 10.0, "simulated"), (heartbeat.Online, heartbeat.Epoch, heartbeat.DeadmanSeconds, heartbeat.Backend));
        Assert.Equal(["p/0", "p/1", "p/2"], heartbeat.Gpus.Select(g => g.Gpu));
        Assert.All(heartbeat.Gpus, g => Assert.Equal((200.0, 80.0, 700.0), (g.MinW, g.IdleW, g.MaxW)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void AnySequence_CommandedNeverAboveTheCapShare(int seed)
    {
        var random = new Random(seed);
        var rig = new AgentRig(gpus: 4, options: AgentOptions.Default with { SafeState = (SafeState)(seed % 2) });
        ShedStep?[] steps = [ShedStep.Mining, ShedStep.Heater, ShedStep.InferenceAboveSla, ShedStep.InferenceSla, null];
        var seq = 0L;
        for (var step = 0; step < 200; step++)
        {
            var dice = random.Next(10);
            if (dice < 4)
            {
                // A consistent batch, as the controller sends them: the share holds the targets (clamped), perhaps more.
                var commands = rig.Gpus.Where(_ => random.Next(4) > 0)
                    .Select(g => random.Next(4) == 0 ? Idle(g.Id) : Work(g.Id, random.Next(0, 800), steps[random.Next(steps.Length)]))
                    .ToArray();
                var share = commands.Sum(c => c.Workload is null ? 80 : Math.Clamp(c.TargetW, 200, 700))
                    + ((4 - commands.Length) * 80) + random.Next(0, 400);
                rig.Agent.Apply(rig.Batch(1, ++seq, share, TimeSpan.FromSeconds(random.Next(1, 30)), commands));
            }
            else if (dice < 6)
            {
                rig.Frequency(49.4 + (random.NextDouble() * 0.7));
            }
            else
            {
                rig.Run(TimeSpan.FromMilliseconds(random.Next(100, 3000)));
            }

            var telemetry = rig.Agent.Telemetry();
            Assert.True(telemetry.CommandedW <= telemetry.CapShareW + 0.5, $"step {step}: commanded {telemetry.CommandedW} W > share {telemetry.CapShareW} W");
            Assert.All(telemetry.Gpus, g => Assert.True(g.WantedW >= g.TargetW));
        }
    }
}
