using Energy.Contracts.Configuration;
using Energy.Contracts.Policy;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>The <c>policy.demandResponse</c> section: under-frequency stages and restore rules, Nordic FFR by default.</summary>
public sealed class SiteFileDemandResponseTests
{
    private const string Head = """
        site: { name: s, timeZone: UTC }
        grid: { importCapKw: 100 }
        pools:
          - { name: p, gpuModel: H100, count: 1, minPowerW: 200, idlePowerW: 80, maxPowerW: 700 }
        workloads:
          - { name: h, kind: heater }
        policy:
          safeState: idle

        """;

    [Fact]
    public void Parse_WithoutTheSection_NordicFfrDefaults()
    {
        var policy = Load(string.Empty).DemandResponse;

        Assert.Same(DemandResponsePolicy.NordicFfr, policy);
        Assert.Equal([(49.7, 1.3), (49.6, 1.0), (49.5, 0.7)], policy.Stages.Select(s => (s.BelowHz, s.Deadline.TotalSeconds)));
    }

    [Fact]
    public void Parse_FullSection_EveryField()
    {
        var policy = Load("""
              demandResponse:
                frequencySignal: meter.hz
                maxFrequencyAge: 2s
                stages:
                  - { belowHz: 49.5, shed: 1.0, within: 700ms }
                  - { belowHz: 49.8, shed: 0.5, within: 1.3s }
                restoreAboveHz: 49.95
                restoreHold: 1m
                restoreStagger: 2m
            """).DemandResponse;

        Assert.Equal([(49.8, 0.5, 1.3), (49.5, 1.0, 0.7)], policy.Stages.Select(s => (s.BelowHz, s.ShedFraction, s.Deadline.TotalSeconds)));
        Assert.Equal((49.95, 60.0, 120.0), (policy.RestoreAboveHz, policy.RestoreHold.TotalSeconds, policy.RestoreStagger.TotalSeconds));
        Assert.Equal(("meter.hz", 2.0), (policy.FrequencySignal, policy.MaxFrequencyAge.TotalSeconds));
    }

    [Fact]
    public void Parse_OnlyRestoreHold_KeepsTheDefaultStages()
    {
        var policy = Load("""
              demandResponse:
                restoreHold: 10s
            """).DemandResponse;

        Assert.Equal(DemandResponsePolicy.NordicFfr.Stages, policy.Stages);
        Assert.Equal(TimeSpan.FromSeconds(10), policy.RestoreHold);
    }

    [Theory]
    [InlineData("stages: [{ belowHz: 51, shed: 1, within: 1s }]", "policy.demandResponse.stages[0].belowHz", "")]
    [InlineData("stages: [{ belowHz: 49.7, shed: 0, within: 1s }]", "policy.demandResponse.stages[0].shed", "")]
    [InlineData("stages: [{ belowHz: 49.7, shed: 1, within: 0s }]", "policy.demandResponse.stages[0].within", "longer than 0 s")]
    [InlineData("stages: [{ belowHz: 49.7, shed: 1, within: 1s }, { belowHz: 49.7, shed: 1, within: 1s }]", "policy.demandResponse.stages", "each belowHz may appear once")]
    [InlineData("restoreAboveHz: 49.65", "policy.demandResponse.restoreAboveHz", "must be above every stage's belowHz (highest 49.7 Hz)")]
    [InlineData("stages: [{ belowHz: 49.7, shed: 1 }]", "policy.demandResponse.stages[0].within", "")]
    public void Parse_BrokenSection_NamesTheField(string body, string field, string message)
    {
        var errors = SiteFile.Parse(Head + "  demandResponse:\n    " + body + "\n", "s.yaml").Errors;

        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_FrequencySourceAndLossRuleLeftOut_AutoAndRestoreAfter30s()
    {
        var policy = Load("""
              demandResponse:
                restoreHold: 10s
            """).DemandResponse;

        Assert.Equal(FrequencySource.Auto, policy.Source);
        Assert.Equal(TimeSpan.FromSeconds(30), policy.OnFrequencyLost.RestoreAfter);
        Assert.Equal(FrequencySource.Topic, policy.SourceFor(siteMapsSignal: false));
        Assert.Equal(FrequencySource.Signal, policy.SourceFor(siteMapsSignal: true));
    }

    [Theory]
    [InlineData("hold", null)]
    [InlineData("restoreAfter 2m", 120.0)]
    [InlineData("restoreAfter 45s", 45.0)]
    public void Parse_OnFrequencyLost_TheRule(string text, double? seconds)
    {
        var policy = Load($"""
              demandResponse:
                onFrequencyLost: {text}
                frequencySource: topic
            """).DemandResponse;

        Assert.Equal(seconds, policy.OnFrequencyLost.RestoreAfter?.TotalSeconds);
        Assert.Equal(FrequencySource.Topic, policy.SourceFor(siteMapsSignal: true));
    }

    [Theory]
    [InlineData("onFrequencyLost: never", "policy.demandResponse.onFrequencyLost", "expected 'hold' or 'restoreAfter DURATION'")]
    [InlineData("onFrequencyLost: restoreAfter 0s", "policy.demandResponse.onFrequencyLost", "more than 0 s")]
    [InlineData("onFrequencyLost: restoreAfter 2h", "policy.demandResponse.onFrequencyLost", "at most 1h")]
    [InlineData("frequencySource: relay", "policy.demandResponse.frequencySource", "")]
    [InlineData("frequencySource: signal", "policy.demandResponse.frequencySource", "needs a device point or an MQTT signal that feeds grid.frequencyHz")]
    public void Parse_BrokenFrequencySettings_NamesTheField(string body, string field, string message)
    {
        var errors = SiteFile.Parse(Head + "  demandResponse:\n    " + body + "\n", "s.yaml").Errors;

        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message, StringComparison.Ordinal));
    }

    private static OperatorPolicy Load(string section) => SiteFile.Parse(Head + section, "s.yaml").GetSiteOrThrow().Policy;
}
