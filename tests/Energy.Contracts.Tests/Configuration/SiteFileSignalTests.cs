using Energy.Contracts.Configuration;
using Energy.Contracts.Signals;
using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>The <c>signals</c> section: MQTT topics mapped to signals.</summary>
public sealed class SiteFileSignalTests
{
    private const string Minimal = """
        site: { name: s, timeZone: UTC }
        grid: { importCapKw: 100 }
        pools:
          - { name: p, gpuModel: H100, count: 1, minPowerW: 200, idlePowerW: 80, maxPowerW: 700 }
        workloads:
          - { name: h, kind: heater }
        signals:
          - { signal: "SIGNAL", topic: "TOPIC", format: FORMAT, jsonPath: a.b, unit: kW, min: 0, max: 900, maxAge: 2m, qos: 0 }
        """;

    [Fact]
    public void Parse_Mapping_HasEveryField()
    {
        var map = Load("tank.{1}.chargeKw", "bms/+/charge", "json").TopicSignals.Single();

        Assert.Equal(("tank.{1}.chargeKw", "bms/+/charge", PayloadFormat.Json, "a.b"), (map.Signal, map.Topic, map.Format, map.JsonPath));
        Assert.Equal(Unit.Kilowatt, map.Unit);
        Assert.Equal((0.0, 900.0, 0), (map.Min!.Value, map.Max!.Value, map.Qos));
        Assert.Equal(TimeSpan.FromMinutes(2), map.MaxAge);
    }

    [Theory]
    [InlineData("x", "bms/#/top", "json", "signals[0].topic", "'#' must be a whole level and the last one")]
    [InlineData("x", "bms/a+/top", "json", "signals[0].topic", "'+' must be a whole level")]
    [InlineData("x.{2}", "bms/+/top", "json", "signals[0].signal", "the topic has only 1 '+' wildcard")]
    [InlineData("x", "bms/top", "xml", "signals[0].format", "expected one of plain, json, json-value-unit, key-value")]
    public void Parse_BrokenMapping_NamesTheField(string signal, string topic, string format, string field, string message)
    {
        var errors = SiteFile.Parse(Yaml(signal, topic, format), "s.yaml").Errors;

        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_KeyValueWithoutKey_IsAnError()
    {
        var errors = SiteFile.Parse(Yaml("x", "t", "key-value"), "s.yaml").Errors;

        Assert.Contains(errors, e => e.Field == "signals[0].key" && e.Message.Contains("missing required field", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BathhouseExample_MapsItsBmsTopics()
    {
        var site = SiteFile.LoadOrThrow(TestSupport.RepoPaths.Example("bathhouse.yaml"));

        Assert.Contains(site.TopicSignals, t => t.Topic == "bathhouse/bms/pool/temperature" && t.Format == PayloadFormat.JsonValueUnit);
        Assert.Contains(site.TopicSignals, t => t.Format == PayloadFormat.KeyValue && t.Key == "temp");
    }

    private static string Yaml(string signal, string topic, string format) =>
        Minimal.Replace("SIGNAL", signal, StringComparison.Ordinal).Replace("TOPIC", topic, StringComparison.Ordinal).Replace("FORMAT", format, StringComparison.Ordinal);

    private static Energy.Contracts.Sites.Site Load(string signal, string topic, string format)
    {
        var result = SiteFile.Parse(Yaml(signal, topic, format), "s.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Site!;
    }
}
