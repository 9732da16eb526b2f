using System.Text.Json;
using Energy.Contracts.Configuration;
using Energy.Contracts.Policy;
using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>A policy section given as JSON reads as the same section would in a site file.</summary>
public sealed class PolicySectionTests
{
    private static PolicySectionResult Parse(string json) => PolicySection.Parse(JsonDocument.Parse(json).RootElement, Currency.Eur, "request");

    [Fact]
    public void Parse_AllKeys_TheSiteFilesPolicy()
    {
        var result = Parse("""{"shedOrder": ["heater", "mining"], "maxImportPricePerMwh": -5.5, "rampLimitKwPerMinute": 120, "minDwell": "90s", "safeState": "minimumPower"}""");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var policy = result.Policy!;
        Assert.Equal([ShedStep.Heater, ShedStep.Mining], policy.ShedOrder);
        Assert.Equal((-5.5, 120.0, TimeSpan.FromSeconds(90), SafeState.MinimumPower),
            (policy.MaxImportPrice!.Value.PerMegawattHour, policy.RampLimitPerMinute!.Value.Kilowatts, policy.MinDwell, policy.SafeState));
    }

    [Fact]
    public void Parse_NullsAndLeftOut_TheSiteFilesDefaults()
    {
        var result = Parse("""{"maxImportPricePerMwh": null, "minDwell": null}""");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal((null, null, TimeSpan.FromMinutes(15), SafeState.Idle), (result.Policy!.MaxImportPrice, result.Policy.RampLimitPerMinute,
            result.Policy.MinDwell, result.Policy.SafeState));
        Assert.Equal(OperatorPolicy.DefaultShedOrder, result.Policy.ShedOrder);
    }

    [Theory]
    [InlineData("""{"maxImportPricePerMwh": "400"}""", "policy.maxImportPricePerMwh", "expected a number (EUR/MWh), got the quoted text '400'")]
    [InlineData("""{"maxImportPricePerMwh": "cheap"}""", "policy.maxImportPricePerMwh", "expected a number (EUR/MWh), got 'cheap'")]
    [InlineData("""{"shedOrder": "mining"}""", "policy.shedOrder", "expected a list of mining, heater, inferenceAboveSla, inferenceSla, got 'mining'")]
    [InlineData("""{"rampLimitKwPerMinute": 1e999}""", "policy.rampLimitKwPerMinute", "expected a number (kW/min), got '1e999'")]
    [InlineData("[1]", "policy", "expected a mapping of fields, got a list")]
    public void Parse_Mistake_LocatedWithTheSiteFilesText(string json, string field, string message)
    {
        var error = Assert.Single(Parse(json).Errors);

        Assert.Equal((field, message), (error.Field, error.Message));
    }
}
