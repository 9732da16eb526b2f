using System.Text;
using System.Text.RegularExpressions;
using Energy.Contracts.Units;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Reads day-ahead prices in the shared data format (shared/data/README.md, "Conventions"): a header
/// <c>timestamp_utc,price_&lt;currency&gt;_per_mwh</c>, then one row per slot with its UTC start.
/// Empty price cells and absent rows are gaps; negative prices are normal; anything unreadable is a
/// line-numbered error (<c>FILE:LINE: …</c>), never skipped silently and never thrown.
/// The slot length comes from the data: the most common step between rows. An optional
/// <c>published_utc</c> column says when each row's price was published (the last good store writes
/// it). Every price, slot and the document's size are checked against <see cref="PriceImportRules"/>
/// (<see cref="PriceImportRules.Default"/> unless given): one refused row refuses the document.
/// </summary>
public static partial class CsvPriceReader
{
    public const string TimestampColumn = "timestamp_utc";

    /// <summary>When a row's price was published (ISO-8601 UTC); optional.</summary>
    public const string PublishedColumn = "published_utc";

    /// <summary>Reads a file; a file that cannot be opened is an error in the result.</summary>
    /// <param name="path">The file, named in every message as given.</param>
    /// <param name="slotLength">The slot length, when known; otherwise inferred from the rows.</param>
    /// <param name="rules">What the file may hold; <see cref="PriceImportRules.Default"/> when null.</param>
    public static PriceImportResult ReadFile(string path, TimeSpan? slotLength = null, PriceImportRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        rules ??= PriceImportRules.Default;
        try
        {
            var options = new FileStreamOptions { BufferSize = 1 << 16, Options = FileOptions.SequentialScan };
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, options.BufferSize, options.Options);
            if (stream.Length > rules.MaxBytes)
            {
                return PriceImportResult.Failed(path, PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), rules.BytesMessage(stream.Length));
            }

            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return Read(reader, path, slotLength, rules);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return PriceImportResult.Failed(path, PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), $"cannot read the file: {e.Message}");
        }
    }

    /// <summary>Reads CSV text line by line.</summary>
    /// <param name="reader">The text; read to its end.</param>
    /// <param name="source">How messages name the input.</param>
    /// <param name="slotLength">The slot length, when known; otherwise inferred from the rows.</param>
    /// <param name="rules">What the text may hold; <see cref="PriceImportRules.Default"/> when null. Its byte bound is the caller's to check.</param>
    public static PriceImportResult Read(TextReader reader, string source, TimeSpan? slotLength = null, PriceImportRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        rules ??= PriceImportRules.Default;
        var issues = new PriceIssueCollector(source);
        var header = reader.ReadLine();
        if (!TryReadHeader(header, issues, out var currency, out var columns))
        {
            return issues.Result(PriceHistory.Empty(currency, slotLength ?? TimeSpan.FromHours(1)));
        }

        var rows = new List<CsvPriceRow>(9000);
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (rows.Count == rules.MaxRows)
            {
                issues.Error(line, rules.RowsMessage());
                return issues.Result(PriceHistory.Empty(currency, slotLength ?? TimeSpan.FromHours(1)));
            }

            ReadRow(text, line, columns, rules, issues, rows);
        }

        return CsvPriceRows.Build(rows, currency, slotLength, issues);
    }

    /// <summary>The header names the currency: <c>price_eur_per_mwh</c> → EUR.</summary>
    [GeneratedRegex("^price_([A-Za-z]{3})_per_mwh$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PriceColumnName();

    private static bool TryReadHeader(string? header, PriceIssueCollector issues, out Currency currency, out Columns columns)
    {
        currency = Currency.Eur;
        columns = default;
        if (header is null)
        {
            issues.Error(1, $"the file is empty; expected the header '{TimestampColumn},price_eur_per_mwh'");
            return false;
        }

        var names = header.TrimStart('\uFEFF').Split(',').Select(n => n.Trim()).ToArray();
        if (!string.Equals(names[0], TimestampColumn, StringComparison.OrdinalIgnoreCase))
        {
            issues.Error(1, $"the first column is '{names[0]}'; expected '{TimestampColumn}' (UTC interval start)");
            return false;
        }

        var priceColumns = Enumerable.Range(0, names.Length).Where(i => PriceColumnName().IsMatch(names[i])).ToList();
        if (priceColumns.Count != 1)
        {
            issues.Error(1, priceColumns.Count == 0
                ? $"no price column among '{header}'; expected one named price_<currency>_per_mwh, e.g. price_eur_per_mwh"
                : $"{priceColumns.Count} price columns ({string.Join(", ", priceColumns.Select(i => names[i]))}); expected exactly one");
            return false;
        }

        var published = Array.FindIndex(names, n => string.Equals(n, PublishedColumn, StringComparison.OrdinalIgnoreCase));
        columns = new Columns(names.Length, priceColumns[0], published);
        currency = Currency.Parse(PriceColumnName().Match(names[priceColumns[0]]).Groups[1].Value);
        return true;
    }

    /// <summary>The header's shape: how many cells, where the price is, where the publication time is (−1: none).</summary>
    private readonly record struct Columns(int Count, int Price, int Published);

    private static void ReadRow(string text, int line, Columns columns, PriceImportRules rules, PriceIssueCollector issues, List<CsvPriceRow> rows)
    {
        var span = text.AsSpan();
        ReadOnlySpan<char> stamp = default, price = default, published = default;
        var cell = 0;
        for (var start = 0; start <= span.Length; cell++)
        {
            var comma = span[start..].IndexOf(',');
            var end = comma < 0 ? span.Length : start + comma;
            if (cell == 0)
            {
                stamp = span[start..end].Trim();
            }
            else if (cell == columns.Price)
            {
                price = span[start..end].Trim();
            }
            else if (cell == columns.Published)
            {
                published = span[start..end].Trim();
            }

            start = end + 1;
        }

        if (cell != columns.Count)
        {
            issues.Error(line, $"{cell} cells, but the header has {columns.Count}");
            return;
        }

        if (!PriceText.TryParseInstant(stamp, out var instant))
        {
            issues.Error(line, $"'{stamp}' is not an ISO-8601 UTC timestamp such as 2024-01-01T00:00:00Z");
            return;
        }

        if (rules.CheckSlot(instant) is { } beyond)
        {
            issues.Error(line, beyond);   // not a row of the document's range: it must not shape the slot length
            return;
        }

        var publishedTicks = 0L;
        if (columns.Published >= 0 && !published.IsEmpty)
        {
            if (!PriceText.TryParseInstant(published, out var at))
            {
                issues.Error(line, $"{PublishedColumn} '{published}' is not an ISO-8601 UTC timestamp");
                return;
            }

            publishedTicks = at.UtcTicks;
        }

        if (price.IsEmpty)
        {
            issues.Warning(line, $"no price for {PriceText.Instant(instant)}: the slot is a gap");
            rows.Add(new CsvPriceRow(instant.UtcTicks, double.NaN, line));
            return;
        }

        if (!PriceText.TryParsePrice(price, out var value))
        {
            // The stamp still counts for the slot length and the duplicate check; the slot stays empty.
            issues.Error(line, $"'{price}' is not a finite price per MWh");
            rows.Add(new CsvPriceRow(instant.UtcTicks, double.NaN, line));
            return;
        }

        if (rules.CheckPrice(value) is { } implausible)
        {
            issues.Error(line, implausible);
            rows.Add(new CsvPriceRow(instant.UtcTicks, double.NaN, line));
            return;
        }

        rows.Add(new CsvPriceRow(instant.UtcTicks, value, line, publishedTicks));
    }
}
