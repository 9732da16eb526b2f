using System.Globalization;
using Energy.Contracts.Prices;
using Energy.Contracts.Time;

namespace Energy.Telemetry.Prices;

/// <summary>
/// What a day-ahead price document may hold, checked while it is read: every price within the
/// market's clearing-price limits, no slot beyond what the market can have published (the end of
/// tomorrow in the market's time zone at the time of import; history is always allowed), and at
/// most so many rows and bytes. A document that breaks one is refused whole, with every offending
/// line named: a source that produces impossible values is suspect in all of them, and the prices
/// held before stay.
/// </summary>
public sealed record PriceImportRules
{
    /// <summary>Rows of a file given with <c>--prices</c> or read by the daily import: five years of quarter-hours (5 × 35,136 = 175,680).</summary>
    public const int FileMaxRows = 180_000;

    /// <summary>Bytes of such a file: the rows above take about 6 MB as CSV, about 20 MB as ENTSO-E XML.</summary>
    public const long FileMaxBytes = 32L << 20;

    /// <summary>Rows of one MQTT price document: a week of quarter-hours (672) and some; a feed publishes a day or two.</summary>
    public const int MqttMaxRows = 1_000;

    /// <summary>Bytes of one MQTT price document: a week of quarter-hours as ENTSO-E XML is about 90 KB.</summary>
    public const long MqttMaxBytes = 256L << 10;

    /// <summary>Limits and file sizes, no horizon: for history (a backtest's file) and for readers called without rules.</summary>
    public static PriceImportRules Default { get; } = new();

    /// <summary>The market's clearing-price limits; SDAC's unless the site file says otherwise.</summary>
    public PriceLimits Limits { get; init; } = PriceLimits.Sdac;

    /// <summary>Slots starting at or after this instant are refused; null: any.</summary>
    public DateTimeOffset? NotAfter { get; init; }

    public int MaxRows { get; init; } = FileMaxRows;

    public long MaxBytes { get; init; } = FileMaxBytes;

    /// <summary>For a file given or re-read live: the site's limits, the horizon as of <paramref name="now"/>, file sizes.</summary>
    public static PriceImportRules ForFiles(PriceLimits limits, TimeZoneInfo marketZone, DateTimeOffset now) =>
        new() { Limits = limits, NotAfter = HorizonEnd(marketZone, now) };

    /// <summary>For one MQTT document: as <see cref="ForFiles"/>, with the much smaller MQTT sizes.</summary>
    public static PriceImportRules ForMqtt(PriceLimits limits, TimeZoneInfo marketZone, DateTimeOffset now) =>
        ForFiles(limits, marketZone, now) with { MaxRows = MqttMaxRows, MaxBytes = MqttMaxBytes };

    /// <summary>
    /// The end of the last day a day-ahead market can have published at <paramref name="now"/>: the
    /// end of tomorrow, market-local (the auction for day D runs on D−1; nothing is known beyond D+1).
    /// </summary>
    public static DateTimeOffset HorizonEnd(TimeZoneInfo marketZone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(marketZone);
        return MarketCalendar.StartOfLocalDay(MarketCalendar.LocalDayOf(now, marketZone).AddDays(2), marketZone);
    }

    /// <summary>Null when the price may stand, otherwise why not (for the line's message).</summary>
    internal string? CheckPrice(double perMegawattHour)
    {
        if (!double.IsFinite(perMegawattHour))
        {
            return $"the price {PriceText.Price(perMegawattHour)} is not a finite number";
        }

        return Limits.Holds(perMegawattHour)
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"the price {PriceText.Price(perMegawattHour)} per MWh is outside the market's clearing-price limits ({Limits}; site file market.priceLimits): the document is refused");
    }

    /// <summary>Null when a slot starting at <paramref name="start"/> may be known now, otherwise why not.</summary>
    internal string? CheckSlot(DateTimeOffset start) =>
        NotAfter is { } end && start >= end
            ? $"the slot {PriceText.Instant(start)} is beyond what the day-ahead market can have published (up to {PriceText.Instant(end)}, the end of tomorrow market time): the document is refused"
            : null;

    public string RowsMessage() =>
        string.Create(CultureInfo.InvariantCulture, $"more than {MaxRows} rows: a price document holds at most {MaxRows}; the document is refused and was not read further");

    public string BytesMessage(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes: a price document holds at most {MaxBytes} bytes; the document is refused unread");
}
