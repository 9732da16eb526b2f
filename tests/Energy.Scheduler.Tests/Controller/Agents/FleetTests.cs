using Energy.Contracts.Policy;
using Energy.Scheduler.Planning;
using static Energy.Scheduler.Tests.Controller.Agents.FleetRig;

namespace Energy.Scheduler.Tests.Controller.Agents;

public class FleetTests
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    private readonly FleetRig _rig = new();

    [Fact]
    public void Gpus_KnownOnlyFromAHeartbeat_CountAtMaxAndNotKnown()
    {
        _rig.Hello("node-1", "p/0", "p/1");

        var gpus = _rig.Fleet.Gpus(_rig.Now);

        Assert.Equal(["p/0", "p/1"], gpus.Select(g => g.State.GpuId));
        Assert.All(gpus, g => Assert.Equal((false, true, 700.0), (g.Known, g.Online, g.State.PowerTarget.Watts)));
        Assert.Equal(BaseW + 1400, BaseW + _rig.Fleet.BoundControlledW(_rig.Now));
    }

    [Fact]
    public void Gpus_TelemetryOfOurEpoch_TrustedAtItsTarget()
    {
        _rig.Known("node-1", GpuAt("p/0", 300), GpuAt("p/1", 80, workload: null));

        Assert.Equal((true, 300.0), (_rig.Of("p/0").Known, _rig.BoundW("p/0")));
        Assert.Equal(BaseW + 380, BaseW + _rig.Fleet.BoundControlledW(_rig.Now));
    }

    [Fact]
    public void Gpus_TelemetryOfAnOlderEpochFromJustAfterStart_NotTrusted()
    {
        _rig.Hello("node-1", "p/0");
        var at = Start + MaxBatchAgeAndMargin() - TimeSpan.FromMilliseconds(1);
        _rig.Time.SetUtcNow(at);

        _rig.Report("node-1", Epoch - 1, 9, at, GpuAt("p/0", 300));

        Assert.Equal((false, 700.0), (_rig.Of("p/0").Known, _rig.BoundW("p/0")));
    }

    [Fact]
    public void Gpus_TelemetryOfAnOlderEpochOnceEarlierBatchesAreTooOld_Trusted()
    {
        _rig.Hello("node-1", "p/0");
        var at = Start + MaxBatchAgeAndMargin();
        _rig.Time.SetUtcNow(at);

        _rig.Report("node-1", Epoch - 1, 9, at, GpuAt("p/0", 300));

        Assert.Equal((true, 300.0), (_rig.Of("p/0").Known, _rig.BoundW("p/0")));
    }

    [Fact]
    public void Gpus_ReportedWantedAboveTarget_CountsAtWanted()
    {
        _rig.Known("node-1", GpuAt("p/0", 300, wantedW: 600), GpuAt("p/1", 300, wantedW: 900));

        Assert.Equal(600, _rig.BoundW("p/0"));
        Assert.Equal(700, _rig.BoundW("p/1"));
        Assert.Equal(300, _rig.Of("p/0").Floor.TargetW);
    }

    [Fact]
    public void Gpus_PendingDecrease_BoundStaysHighUntilAcked()
    {
        _rig.Known("node-1", GpuAt("p/0", 600));
        _rig.Send("node-1", 1, TenSeconds, Command("p/0", 300));

        Assert.Equal(600, _rig.BoundW("p/0"));
        Assert.Equal(300, _rig.Of("p/0").Floor.TargetW);

        _rig.Ack("node-1", 1);

        Assert.Equal(300, _rig.BoundW("p/0"));
    }

    [Fact]
    public void Gpus_PendingIncrease_CountsFromTheMomentItIsSent()
    {
        _rig.Known("node-1", GpuAt("p/0", 300));

        _rig.Send("node-1", 1, TenSeconds, Command("p/0", 650));

        Assert.Equal(650, _rig.BoundW("p/0"));
        Assert.Equal(300, _rig.Of("p/0").Floor.TargetW);
    }

    [Fact]
    public void OnAck_Refused_BatchStopsCounting()
    {
        _rig.Known("node-1", GpuAt("p/0", 300));
        _rig.Send("node-1", 1, TenSeconds, Command("p/0", 650));

        _rig.Ack("node-1", 1, "expired at 2026-01-15T12:00:00Z");

        Assert.Equal(300, _rig.BoundW("p/0"));
        Assert.Single(_rig.Logger.WithEventId(3103));
    }

    [Fact]
    public void OnAck_Duplicate_TakenAsAcknowledged()
    {
        _rig.Known("node-1", GpuAt("p/0", 600));
        _rig.Send("node-1", 1, TenSeconds, Command("p/0", 300));

        _rig.Ack("node-1", 1, "duplicate");

        Assert.Equal(300, _rig.BoundW("p/0"));
        Assert.Empty(_rig.Logger.WithEventId(3103));
    }

    [Fact]
    public void OnAck_NewerBatch_OlderPendingOnesStopCounting()
    {
        _rig.Known("node-1", GpuAt("p/0", 300));
        _rig.Send("node-1", 1, TenSeconds, Command("p/0", 650));
        _rig.Send("node-1", 2, TenSeconds, Command("p/0", 400));

        _rig.Ack("node-1", 2);

        Assert.Equal(400, _rig.BoundW("p/0"));
    }

    [Fact]
    public void Gpus_PendingBatchPastValidUntilPlusClockMargin_StopsCounting()
    {
        _rig.Known("node-1", GpuAt("p/0", 300));
        _rig.Send("node-1", 1, TenSeconds, Command("p/0", 650));

        _rig.Time.Advance(TenSeconds + _rig.Fleet.ClockMargin - TimeSpan.FromMilliseconds(1));
        Assert.Equal(650, _rig.BoundW("p/0"));
        _rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(300, _rig.BoundW("p/0"));
    }

    [Theory]
    [InlineData(SafeState.Idle, 80)]
    [InlineData(SafeState.MinimumPower, 200)]
    public void Gpus_AckedBatchExpiredWithoutANewerReport_CountsAtTheSafeState(SafeState safe, double expected)
    {
        var rig = new FleetRig(safe: safe);
        rig.Known("node-1", GpuAt("p/0", 600));
        rig.Send("node-1", 1, TenSeconds, Command("p/0", 400));
        rig.Ack("node-1", 1);

        rig.Time.Advance(TenSeconds + rig.Fleet.ClockMargin);

        Assert.Equal((true, expected), (rig.Of("p/0").Known, rig.BoundW("p/0")));
    }

    [Fact]
    public void IsOnline_NothingHeardForOfflineAfter_Offline()
    {
        _rig.Known("node-1", GpuAt("p/0", 300));

        _rig.Time.Advance(_rig.Fleet.OfflineAfter);
        Assert.True(_rig.Fleet.IsOnline("node-1", _rig.Now));
        _rig.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(_rig.Fleet.IsOnline("node-1", _rig.Now));
        Assert.False(_rig.Of("p/0").Online);
        Assert.Equal(300, _rig.BoundW("p/0"));   // still counts for the cap
    }

    [Fact]
    public void OnOffline_KnownAgent_OfflineAtOnce()
    {
        _rig.Known("node-1", GpuAt("p/0", 300));

        _rig.Fleet.OnOffline("node-1", _rig.Now);

        Assert.False(_rig.Fleet.IsOnline("node-1", _rig.Now));
        Assert.Single(_rig.Logger.WithEventId(3101));
    }

    [Fact]
    public void OnHeartbeat_Offline_AgentOffline()
    {
        _rig.Known("node-1", GpuAt("p/0", 300));

        _rig.Fleet.OnHeartbeat(Heartbeat("node-1", _rig.Now, false, "p/0"), _rig.Now);

        Assert.False(_rig.Fleet.IsOnline("node-1", _rig.Now));
    }

    [Fact]
    public void OnHeartbeat_RestartedAgent_ItsEarlierReportsNoLongerHold()
    {
        _rig.Hello("node-1", "p/0");
        _rig.Report("node-1", 2, GpuAt("p/0", 500));
        Assert.Equal("following", _rig.Fleet.Agents(_rig.Now).Single().State);

        _rig.Fleet.OnHeartbeat(Heartbeat("node-1", _rig.Now, true, "p/0") with { StartedAt = _rig.Now }, _rig.Now);

        var agent = _rig.Fleet.Agents(_rig.Now).Single();
        Assert.Equal(("unknown", true), (agent.State, agent.Online));
        Assert.Null(_rig.Of("p/0").Reported);
    }

    [Fact]
    public void OnTelemetry_OlderThanTheLast_Ignored()
    {
        // Ordered by the agent's own clock: a restarted agent starts its sequence again, so the sequence cannot order reports.
        _rig.Hello("node-1", "p/0");
        _rig.Report("node-1", 2, GpuAt("p/0", 500));

        _rig.Report("node-1", Epoch, 2, _rig.Now - TimeSpan.FromSeconds(1), GpuAt("p/0", 250));

        Assert.Equal(500, _rig.Of("p/0").Reported?.TargetW);
        Assert.Equal(500, _rig.BoundW("p/0"));
    }

    [Fact]
    public void OnHeartbeat_PoolTheSiteDoesNotHave_RefusedWholeAndAlarmed()
    {
        // Was: those GPUs ignored, the rest taken. An agent that offers what the site file does not have is not believed at all.
        var heartbeat = Heartbeat("node-1", _rig.Now, true, "p/0", "x/0");
        heartbeat = heartbeat with { Gpus = [heartbeat.Gpus[0], heartbeat.Gpus[1] with { Pool = "x" }] };

        Assert.False(_rig.Fleet.OnHeartbeat(heartbeat, _rig.Now));

        Assert.Empty(_rig.Fleet.Gpus(_rig.Now));
        Assert.Empty(_rig.Fleet.Nodes);
        Assert.Single(_rig.Logger.WithEventId(3102));
        Assert.Contains(_rig.Alarms.Current(), a => a.Key == "agents.heartbeatRefused" && a.Message.Contains("pool 'x'", StringComparison.Ordinal));
    }

    [Fact]
    public void OfflineGpus_AgentsSilentLongEnough_CountedPerPoolWithTheirNodes()
    {
        var silent = TimeSpan.FromSeconds(15);
        UnavailableGpus Gone(int count, string nodes) => new("p", count, $"agent {nodes} offline", _rig.Site.Pool("p").IdlePowerPerGpu);
        _rig.Hello("node-1", "p/0", "p/1");
        _rig.Hello("node-2", "p/2");
        _rig.Fleet.OnOffline("node-2", _rig.Now);
        Assert.Empty(_rig.Fleet.OfflineGpus(_rig.Now, silent));   // just gone: a blip is not planned around

        _rig.Time.Advance(silent);
        _rig.Hello("node-1", "p/0", "p/1");
        Assert.Equal([Gone(1, "node-2")], _rig.Fleet.OfflineGpus(_rig.Now, silent));

        _rig.Time.Advance(_rig.Fleet.OfflineAfter + TimeSpan.FromSeconds(1));
        Assert.False(_rig.Fleet.IsOnline("node-1", _rig.Now));
        Assert.Equal([Gone(1, "node-2")], _rig.Fleet.OfflineGpus(_rig.Now, silent));   // node-1 offline, not yet silent long enough

        _rig.Time.Advance(silent);
        Assert.Equal([Gone(3, "node-1, node-2")], _rig.Fleet.OfflineGpus(_rig.Now, silent));

        _rig.Hello("node-1", "p/0", "p/1");
        Assert.Equal([Gone(1, "node-2")], _rig.Fleet.OfflineGpus(_rig.Now, silent));
    }

    [Fact]
    public void OnTelemetry_AgentClockFourSecondsAhead_OffsetShownAndWarnedOnce()
    {
        _rig.Hello("node-1", "p/0");
        for (var seq = 1; seq <= 5; seq++)
        {
            // Sent 4 s ahead by the agent's clock, received after 10 to 50 ms of delay.
            _rig.Report("node-1", Epoch, seq, _rig.Now + TimeSpan.FromSeconds(4) - TimeSpan.FromMilliseconds(10 * seq), GpuAt("p/0", 300));
            _rig.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3990, _rig.Fleet.Agents(_rig.Now).Single().ClockOffsetMs);
        var warning = Assert.Single(_rig.Logger.WithEventId(3114));
        Assert.Contains("Agent node-1's clock is +4.0 s off", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnTelemetry_ClocksInStep_NoWarning()
    {
        _rig.Hello("node-1", "p/0");
        for (var seq = 1; seq <= 12; seq++)
        {
            _rig.Report("node-1", Epoch, seq, _rig.Now - TimeSpan.FromMilliseconds(seq % 4 * 100), GpuAt("p/0", 300));
            _rig.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(0, _rig.Fleet.Agents(_rig.Now).Single().ClockOffsetMs);
        Assert.Empty(_rig.Logger.WithEventId(3114));
    }

    private TimeSpan MaxBatchAgeAndMargin() => Energy.Scheduler.Controller.Agents.Fleet.MaxBatchAge + _rig.Fleet.ClockMargin;
}
