using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Gpu.Agents;
using static Energy.Gpu.Tests.Agents.AgentRig;

namespace Energy.Gpu.Tests.Agents;

/// <summary>
/// The frequency feed as <see cref="AgentCore"/> judges it: implausible samples refused and counted, and a
/// shed whose feed goes silent (one 49.4 Hz sample, then nothing) ended by the site's <c>onFrequencyLost</c>
/// rule, with a warning in the agent's telemetry while it lasts. Three GPUs mining 500 W, no stagger.
/// </summary>
public class AgentCoreFrequencyFeedTests
{
    private static readonly DemandResponsePolicy NoStagger = DemandResponsePolicy.NordicFfr with { RestoreStagger = TimeSpan.Zero };

    private static AgentRig Mining(DemandResponsePolicy? policy = null)
    {
        var rig = new AgentRig(options: WithDemandResponse(policy ?? NoStagger));
        rig.FeedFrequency = false;
        Assert.Null(rig.Agent.Apply(rig.Batch(1, 1, 2000, TimeSpan.FromMinutes(10), Work("p/0", 500), Work("p/1", 500), Work("p/2", 500))).Refusal);
        rig.Run(TimeSpan.FromSeconds(3));
        return rig;
    }

    private static IReadOnlyList<string> Warnings(AgentRig rig) => rig.Agent.Telemetry().Warnings ?? [];

    [Fact]
    public void OnFrequency_JumpFasterThanTheGridCanMove_RefusedCountedAndWarned()
    {
        var rig = Mining();
        Assert.Null(rig.Frequency(50.0));
        rig.Time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Null(rig.Frequency(49.0));   // 1 Hz in 100 ms: more than 0.5 Hz + 4 Hz/s × 0.1 s

        Assert.Equal(AgentState.Following, rig.Agent.State);
        Assert.Equal(1, rig.Agent.FrequencyRefused);
        Assert.Contains(rig.Logger.WithEventId(2425), e => e.Message.Contains("faster than 4 Hz/s", StringComparison.Ordinal));
        Assert.Contains(Warnings(rig), w => w.Contains("refused as implausible", StringComparison.Ordinal));
    }

    [Fact]
    public void OnFrequency_TheSameDropOverASecond_ActedOn()
    {
        var rig = Mining();
        rig.Frequency(50.0);
        rig.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.NotNull(rig.Frequency(49.3));
        Assert.Equal(0, rig.Agent.FrequencyRefused);
    }

    [Fact]
    public void OnFrequency_MeasuredInTheFutureBeyondTheSkew_Refused()
    {
        var rig = Mining();

        Assert.Null(rig.Agent.OnFrequency(new FrequencySample(49.4, rig.Now + TimeSpan.FromSeconds(1.5)), rig.Now));
        Assert.NotNull(rig.Agent.OnFrequency(new FrequencySample(49.4, rig.Now + TimeSpan.FromSeconds(0.5)), rig.Now));
        Assert.Equal(1, rig.Agent.FrequencyRefused);
    }

    [Fact]
    public void OnFrequency_MeasuredBeforeTheLastSample_Refused()
    {
        var rig = Mining();
        rig.Frequency(50.0);

        Assert.Null(rig.Agent.OnFrequency(new FrequencySample(49.4, rig.Now - TimeSpan.FromSeconds(1)), rig.Now));

        Assert.Equal(AgentState.Following, rig.Agent.State);
        Assert.Equal(1, rig.Agent.FrequencyRefused);
    }

    [Fact]
    public void OnFrequency_AFloodOfBadSamples_LoggedOncePerMinuteButAllCounted()
    {
        var rig = Mining();
        for (var i = 0; i < 500; i++)
        {
            rig.Frequency(99);
        }

        Assert.Equal(500, rig.Agent.FrequencyRefused);
        Assert.Single(rig.Logger.WithEventId(2204));
    }

    [Fact]
    public void Tick_OneSampleThenSilence_WarnedWhileSheddingAndRestoredByTheDefaultRule()
    {
        var rig = Mining();
        var shedAt = rig.Now;
        Assert.NotNull(rig.Frequency(49.4));

        rig.Run(TimeSpan.FromSeconds(5));
        Assert.Empty(Warnings(rig));   // within maxFrequencyAge: not lost yet
        rig.Run(TimeSpan.FromSeconds(0.1));
        Assert.Contains(Warnings(rig), w => w.Contains("feed lost while shedding", StringComparison.Ordinal));
        Assert.Single(rig.Logger.WithEventId(2426));

        Assert.DoesNotContain(rig.Run(TimeSpan.FromSeconds(24.8)), e => e.Kind == "restore");
        Assert.Equal(AgentState.Shedding, rig.Agent.State);
        var restore = Assert.Single(rig.Run(TimeSpan.FromSeconds(0.1)), e => e.Kind == "restore");

        Assert.Equal(shedAt + FrequencyLossRule.Default.RestoreAfter!.Value, restore.CommandedAt);
        Assert.Equal(AgentState.Following, rig.Agent.State);
        Assert.Equal(1500, rig.Agent.CommandedW);
        Assert.Empty(Warnings(rig));
        Assert.Single(rig.Logger.WithEventId(2427));
    }

    [Fact]
    public void Tick_OneSampleThenSilenceWithHold_ShedKeptAndTheWarningStays()
    {
        var rig = Mining(NoStagger with { OnFrequencyLost = FrequencyLossRule.Hold });
        rig.Frequency(49.4);

        Assert.DoesNotContain(rig.Run(TimeSpan.FromMinutes(5)), e => e.Kind == "restore");

        Assert.Equal(AgentState.Shedding, rig.Agent.State);
        Assert.Contains(Warnings(rig), w => w.Contains("onFrequencyLost: hold", StringComparison.Ordinal));
    }

    [Fact]
    public void Tick_FeedBackBeforeTheRule_NoLostRestoreAndTheNormalRuleApplies()
    {
        var rig = Mining(NoStagger with { OnFrequencyLost = new FrequencyLossRule(TimeSpan.FromSeconds(20)) });
        rig.Frequency(49.4);
        rig.Run(TimeSpan.FromSeconds(10));
        Assert.NotEmpty(Warnings(rig));

        rig.Frequency(49.5);   // live again, still low
        rig.FeedFrequency = true;
        Assert.Empty(Warnings(rig));
        Assert.DoesNotContain(rig.Run(TimeSpan.FromSeconds(60)), e => e.Kind == "restore");
        Assert.Equal(AgentState.Shedding, rig.Agent.State);
        Assert.Single(rig.Logger.WithEventId(2428));
    }

    [Fact]
    public void Tick_RestoreAfterWithAStagger_EachAgentAtItsOffsetAfterTheRule()
    {
        var policy = DemandResponsePolicy.NordicFfr with { OnFrequencyLost = new FrequencyLossRule(TimeSpan.FromSeconds(10)) };
        var rig = Mining(policy);
        var shedAt = rig.Now;
        rig.Frequency(49.4);

        var restore = Assert.Single(rig.Run(TimeSpan.FromSeconds(75)), e => e.Kind == "restore");

        var after = restore.CommandedAt - shedAt;
        Assert.InRange(after, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10) + policy.RestoreStagger);
    }
}
