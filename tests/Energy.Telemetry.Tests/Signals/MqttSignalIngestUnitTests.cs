using System.Text;
using Energy.Contracts.Configuration;
using Energy.Contracts.Readings;
using Energy.Contracts.Units;
using Energy.Telemetry.Signals;
using Energy.TestSupport.Sites;

namespace Energy.Telemetry.Tests.Signals;

/// <summary>An MQTT mapping from a site file, in another unit than its signal: what reaches the registry.</summary>
public sealed class MqttSignalIngestUnitTests
{
    private const string Topic = "bathhouse/bms/heat";
    private static readonly DateTimeOffset Now = new(2024, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly SignalRegistry _registry = new();

    [Fact]
    public void Handle_MappingInWattsOnAKwSignal_ReachesTheRegistryInKw()
    {
        Handle("250000");

        var reading = _registry.Latest("bath.heatDemandKw")!;
        Assert.True(reading.IsGood, reading.Reason);
        Assert.Equal((250.0, Unit.Kilowatt), (reading.Value, reading.Unit));
    }

    [Fact]
    public void Handle_PayloadOfAnotherQuantity_IsBadWithTheReasonAndCounted()
    {
        var ingest = Handle("{\"value\":12,\"unit\":\"m3/h\"}", "json-value-unit");

        var reading = _registry.Latest("bath.heatDemandKw")!;
        Assert.Equal(Quality.Bad, reading.Quality);
        Assert.Equal("wrong unit: 'm3/h' where W is expected", reading.Reason);
        Assert.Equal(1, ingest.BadBySignal["bath.heatDemandKw"]);
    }

    [Fact]
    public void Handle_PayloadInMegawatts_IsConvertedThroughTheMappingsWatts()
    {
        Handle("{\"value\":0.25,\"unit\":\"MW\"}", "json-value-unit");

        Assert.Equal(250, _registry.Latest("bath.heatDemandKw")!.Value, 9);
    }

    private MqttSignalIngest Handle(string payload, string format = "plain")
    {
        var text = SiteFileText.Bathhouse().Append(
            $"  - {{ signal: bath.heatDemandKw, topic: {Topic}, format: {format}, unit: W, min: 0, max: 3000000, maxAge: 5m }}");
        var site = SiteFile.Parse(text.ToString(), "site.yaml").GetSiteOrThrow();
        var map = site.TopicSignals.Single(t => t.Topic == Topic);
        Assert.Equal(Unit.Watt, map.Unit);
        var ingest = new MqttSignalIngest(site, _registry);

        ingest.Handle(map, new TopicFilter(map.Topic), Topic, Encoding.UTF8.GetBytes(payload), Now);
        return ingest;
    }
}
