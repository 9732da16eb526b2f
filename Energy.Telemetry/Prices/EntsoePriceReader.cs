using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Energy.Contracts.Units;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Reads ENTSO-E Transparency Platform day-ahead prices: a <c>Publication_MarketDocument</c> of
/// type A44 (IEC 62325-451-3; ENTSO-E Transparency Platform data extraction implementation guide,
/// "Day-ahead prices [12.1.D]"). Elements are matched by local name, so any 7.x namespace reads.
/// Curve type A03 repeats a point over the positions it omits; under A01 an omitted position is a
/// gap. Problems come back as line-numbered issues, never as exceptions. Every point, slot and the
/// document's size are checked against <see cref="PriceImportRules"/> (<see cref="PriceImportRules.Default"/>
/// unless given): one refused point refuses the document.
/// </summary>
public static class EntsoePriceReader
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,   // a price document has no DTD; refusing one rules out entity expansion
        XmlResolver = null,
        IgnoreComments = true,
    };

    /// <param name="path">The document, named in every message as given.</param>
    /// <param name="slotLength">The slot length to read into; by default the finest resolution in the document.</param>
    /// <param name="classificationSequence">Which auction to read where a zone has several (DE-LU: 1 = EPEX, 2 = EXAA); by default 1.</param>
    /// <param name="rules">What the document may hold; <see cref="PriceImportRules.Default"/> when null.</param>
    public static PriceImportResult ReadFile(string path, TimeSpan? slotLength = null, int? classificationSequence = null, PriceImportRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        rules ??= PriceImportRules.Default;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            if (stream.Length > rules.MaxBytes)
            {
                return PriceImportResult.Failed(path, EmptyHistory(), rules.BytesMessage(stream.Length));
            }

            return Read(stream, path, slotLength, classificationSequence, rules);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return PriceImportResult.Failed(path, EmptyHistory(), $"cannot read the file: {e.Message}");
        }
    }

    /// <inheritdoc cref="ReadFile"/>
    public static PriceImportResult Read(Stream stream, string source, TimeSpan? slotLength = null, int? classificationSequence = null, PriceImportRules? rules = null)
    {
        using var xml = XmlReader.Create(stream, Settings);
        return Read(xml, source, slotLength, classificationSequence, rules ?? PriceImportRules.Default);
    }

    /// <inheritdoc cref="ReadFile"/>
    public static PriceImportResult Read(TextReader reader, string source, TimeSpan? slotLength = null, int? classificationSequence = null, PriceImportRules? rules = null)
    {
        using var xml = XmlReader.Create(reader, Settings);
        return Read(xml, source, slotLength, classificationSequence, rules ?? PriceImportRules.Default);
    }

    private static PriceImportResult Read(XmlReader xml, string source, TimeSpan? slotLength, int? classificationSequence, PriceImportRules rules)
    {
        var issues = new PriceIssueCollector(source);
        XDocument document;
        try
        {
            document = XDocument.Load(xml, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            issues.Error(e.LineNumber, $"not well-formed XML: {e.Message}");
            return issues.Result(EmptyHistory());
        }

        var root = document.Root!;
        if (!IsPriceDocument(root, issues))
        {
            return issues.Result(EmptyHistory());
        }

        var all = EntsoeXml.Children(root, "TimeSeries").Select(s => EntsoeTimeSeries.Parse(s, rules, issues)).OfType<EntsoeTimeSeries>().ToList();
        var series = SelectAuction(all, classificationSequence, issues);
        if (series.Count == 0)
        {
            issues.Warning(EntsoeXml.Line(root), "the document holds no usable TimeSeries: no prices");
            return issues.Result(EmptyHistory());
        }

        var currencies = series.Select(s => s.Currency).Distinct().ToList();
        if (currencies.Count > 1)
        {
            issues.Error(series[0].Line, $"TimeSeries in several currencies ({string.Join(", ", currencies)}); one document, one currency");
            return issues.Result(EmptyHistory());
        }

        var periods = series.SelectMany(s => s.Periods).ToList();
        var slot = slotLength ?? (periods.Count > 0 ? periods.Min(p => p.Resolution) : TimeSpan.FromHours(1));
        var builder = new PriceHistoryBuilder(currencies[0], slot);
        var lineOfSlot = new Dictionary<long, int>();
        var expanded = 0;
        foreach (var one in series)
        {
            foreach (var period in one.Periods)
            {
                if (period.Resolution.Ticks % slot.Ticks != 0)
                {
                    issues.Error(period.Line, $"a {EntsoeXml.Resolution(period.Resolution)} Period cannot be read into {PriceText.Minutes(slot)}-minute slots");
                    continue;
                }

                expanded += period.Resolution > slot ? 1 : 0;
                if (!period.AddTo(builder, one.VariableBlocks, rules, issues, lineOfSlot))
                {
                    return issues.Result(EmptyHistory());
                }
            }
        }

        if (expanded > 0)
        {
            issues.Warning(0, $"{expanded} coarser Periods were read into {PriceText.Minutes(slot)}-minute slots, each slot at its period's price");
        }

        var history = builder.Build();
        issues.ReportGaps(history, lineOfSlot);
        return issues.Result(history);
    }

    private static bool IsPriceDocument(XElement root, PriceIssueCollector issues)
    {
        var line = EntsoeXml.Line(root);
        if (root.Name.LocalName == EntsoeXml.AcknowledgementDocument)
        {
            // The platform answers a query it cannot serve with an acknowledgement, e.g. reason 999 "No matching data found".
            var reason = EntsoeXml.Child(root, "Reason");
            issues.Error(line, $"an acknowledgement instead of prices: {(reason is null ? "no reason given" : $"{EntsoeXml.Text(reason, "code")} {EntsoeXml.Text(reason, "text")}")}");
            return false;
        }

        if (root.Name.LocalName != EntsoeXml.PublicationDocument)
        {
            issues.Error(line, $"the root element is {root.Name.LocalName}; expected {EntsoeXml.PublicationDocument}");
            return false;
        }

        var type = EntsoeXml.Text(root, "type");
        if (type != EntsoeXml.PriceDocument)
        {
            issues.Error(line, $"document type '{type}'; expected {EntsoeXml.PriceDocument} (day-ahead prices)");
            return false;
        }

        return true;
    }

    /// <summary>
    /// Where one document holds several auctions for the zone (DE-LU: EPEX and EXAA over the same
    /// hours), they are told apart only by the classification sequence; mixing them would be a
    /// conflict in every slot. Without a choice, sequence 1 is read and the others are named.
    /// </summary>
    private static List<EntsoeTimeSeries> SelectAuction(List<EntsoeTimeSeries> series, int? wanted, PriceIssueCollector issues)
    {
        var sequences = series.Select(s => s.Sequence).Distinct().ToList();
        if (wanted is { } number)
        {
            var text = number.ToString(CultureInfo.InvariantCulture);
            var chosen = series.Where(s => s.Sequence == text).ToList();
            if (chosen.Count == 0 && series.Count > 0)
            {
                issues.Error(0, $"no TimeSeries of classification sequence {text}; the document holds {Names(sequences)}");
            }

            return chosen;
        }

        if (sequences.Count <= 1)
        {
            return series;
        }

        var pick = sequences.Contains("1") ? "1" : sequences.Contains(null) ? null : sequences.Min(StringComparer.Ordinal);
        issues.Warning(0, $"TimeSeries of several classification sequences ({Names(sequences)}); read {pick ?? "the unnumbered ones"} and left the others out");
        return series.Where(s => s.Sequence == pick).ToList();
    }

    private static string Names(IEnumerable<string?> sequences) => string.Join(", ", sequences.Select(s => s ?? "none"));

    private static PriceHistory EmptyHistory() => PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1));
}
