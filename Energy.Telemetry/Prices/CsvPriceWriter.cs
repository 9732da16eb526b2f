using System.Globalization;
using Energy.Contracts.Units;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Writes a history in the shared data format that <see cref="CsvPriceReader"/> reads
/// (shared/data/README.md, "Conventions"): UTC interval starts, one row per known slot, gaps as
/// absent rows, prices in their shortest exact form so that a read-back gives the same doubles.
/// </summary>
public static class CsvPriceWriter
{
    /// <summary>The price column of a currency: EUR → <c>price_eur_per_mwh</c>.</summary>
    public static string PriceColumn(Currency currency) => $"price_{currency.Code.ToLowerInvariant()}_per_mwh";

    /// <summary>
    /// Writes the history; where any slot knows when it was published, a third column
    /// <c>published_utc</c> says so for each row (empty where unknown).
    /// </summary>
    public static void Write(TextWriter writer, PriceHistory history)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(history);
        var published = history.Slots.Any(s => s.Published is not null);
        writer.Write(CsvPriceReader.TimestampColumn);
        writer.Write(',');
        writer.Write(PriceColumn(history.Currency));
        if (published)
        {
            writer.Write(',');
            writer.Write(CsvPriceReader.PublishedColumn);
        }

        writer.Write('\n');
        foreach (var slot in history.Slots)
        {
            writer.Write(PriceText.CsvInstant(slot.Start));
            writer.Write(',');
            writer.Write(PriceText.Price(slot.Price.PerMegawattHour));
            if (published)
            {
                writer.Write(',');
                writer.Write(slot.Published is { } at ? PriceText.CsvInstant(at) : string.Empty);
            }

            writer.Write('\n');
        }
    }

    public static string ToCsv(PriceHistory history)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(writer, history);
        return writer.ToString();
    }
}
