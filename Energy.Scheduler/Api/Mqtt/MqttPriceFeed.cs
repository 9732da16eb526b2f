using System.Text;
using Energy.Contracts.Sites;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Prices;

namespace Energy.Scheduler.Api.Mqtt;

/// <summary>
/// Day-ahead prices over MQTT: a message on <c>heatgrid/&lt;site&gt;/prices/day-ahead</c> carries a price
/// file, as CSV in the shared data format or as an ENTSO-E A44 document, and is imported like one:
/// merged over the prices held (a republished day wins), kept across restarts, errors logged.
/// </summary>
public static class MqttPriceFeed
{
    public static string Topic(Site site) => $"heatgrid/{site.Name}/prices/day-ahead";

    public static void Attach(MqttLink link, Site site, FilePriceSource prices)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(prices);
        link.Subscribe(Topic(site), 1, message =>
        {
            Import(prices, site, Encoding.UTF8.GetString(message.Payload.Span), "mqtt:" + message.Topic);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Imports one document; false (and logged by the source) when it is broken or in another currency.</summary>
    public static bool Import(FilePriceSource prices, Site site, string document, string source)
    {
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(document);
        using var reader = new StringReader(document);
        var result = document.TrimStart().StartsWith('<')
            ? EntsoePriceReader.Read(reader, source)
            : CsvPriceReader.Read(reader, source);
        return result.Succeeded && result.History.Currency == site.Currency && prices.Import(result);
    }
}
