using System.Text;
using Energy.Contracts.Sites;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Prices;

namespace Energy.Scheduler.Api.Mqtt;

/// <summary>
/// Day-ahead prices over MQTT: a message on <c>heatgrid/&lt;site&gt;/prices/day-ahead</c> carries a price
/// file, as CSV in the shared data format or as an ENTSO-E A44 document, and is imported like one:
/// merged over the prices held (the later publication wins; a document is published when it comes),
/// kept across restarts. Checked as <see cref="PriceImportRules.ForMqtt"/>: within the site's
/// clearing-price limits, nothing beyond tomorrow market time, at most
/// <see cref="PriceImportRules.MqttMaxBytes"/> bytes and <see cref="PriceImportRules.MqttMaxRows"/> rows.
/// Every refused document is logged with its reasons and lines and raised as <c>prices.refused</c>
/// (by <see cref="FilePriceSource.Import"/>), and changes nothing.
/// </summary>
public static class MqttPriceFeed
{
    public static string Topic(Site site) => $"heatgrid/{site.Name}/prices/day-ahead";

    public static void Attach(MqttLink link, Site site, FilePriceSource prices, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(time);
        link.Subscribe(Topic(site), 1, message =>
        {
            Import(prices, site, message.Payload.Span, "mqtt:" + message.Topic, time.GetUtcNow());
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Imports one document as received; false (logged and raised by the source) when it is too large, broken, implausible or in another currency.</summary>
    public static bool Import(FilePriceSource prices, Site site, ReadOnlySpan<byte> payload, string source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(site);
        var rules = PriceImportRules.ForMqtt(site.PriceLimits, site.TimeZone, now);
        if (payload.Length > rules.MaxBytes)
        {
            return prices.Import(PriceImportResult.Refused(source, rules.BytesMessage(payload.Length)));
        }

        return Import(prices, site, Encoding.UTF8.GetString(payload), source, now);
    }

    /// <inheritdoc cref="Import(FilePriceSource, Site, ReadOnlySpan{byte}, string, DateTimeOffset)"/>
    public static bool Import(FilePriceSource prices, Site site, string document, string source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(document);
        var rules = PriceImportRules.ForMqtt(site.PriceLimits, site.TimeZone, now);
        if (Encoding.UTF8.GetByteCount(document) > rules.MaxBytes)
        {
            return prices.Import(PriceImportResult.Refused(source, rules.BytesMessage(Encoding.UTF8.GetByteCount(document))));
        }

        using var reader = new StringReader(document);
        var result = document.TrimStart().StartsWith('<')
            ? EntsoePriceReader.Read(reader, source, rules: rules)
            : CsvPriceReader.Read(reader, source, rules: rules);
        return prices.Import(result);
    }
}
