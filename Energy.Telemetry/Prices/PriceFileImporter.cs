using Energy.Contracts.Units;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Reads price files by their kind: <c>.csv</c> in the shared data format (<see cref="CsvPriceReader"/>),
/// <c>.xml</c> as an ENTSO-E A44 document (<see cref="EntsoePriceReader"/>), and several files into one
/// history where later files win (a republished day replaces the first publication). Every file is
/// checked against <see cref="PriceImportRules"/> (<see cref="PriceImportRules.Default"/> unless given);
/// a file's <see cref="PriceImportResult.Published"/> is its last write.
/// </summary>
public static class PriceFileImporter
{
    public static PriceImportResult Read(string path, PriceImportRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var extension = Path.GetExtension(path);
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return WithPublication(CsvPriceReader.ReadFile(path, rules: rules), path);
        }

        if (extension.Equals(".xml", StringComparison.OrdinalIgnoreCase))
        {
            return WithPublication(EntsoePriceReader.ReadFile(path, rules: rules), path);
        }

        return PriceImportResult.Failed(path, PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)),
            $"'{extension}' is not a price file kind; expected .csv (timestamp_utc,price_<currency>_per_mwh) or .xml (ENTSO-E A44)");
    }

    /// <summary>
    /// Reads files in the order given, oldest first. Every file's issues are kept; a file in another
    /// currency is an error, and one in longer slots is split to the shorter ones (an hourly archive
    /// before a quarter-hourly one).
    /// </summary>
    public static PriceImportResult ReadAll(IEnumerable<string> paths, PriceImportRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var names = new List<string>();
        var issues = new List<PriceImportIssue>();
        PriceHistory? history = null;
        foreach (var path in paths)
        {
            names.Add(path);
            var result = Read(path, rules);
            issues.AddRange(result.Issues);
            var incoming = result.History;
            if (history is null)
            {
                history = incoming;
                continue;
            }

            PriceHistory.TryAlignSlotLengths(ref history, ref incoming);
            if (history.TryMerge(incoming, out var merged, out var error))
            {
                history = merged;
            }
            else
            {
                issues.Add(new PriceImportIssue(path, 0, PriceIssueSeverity.Error, error));
            }
        }

        var source = names.Count == 1 ? names[0] : $"{names.Count} files";
        return new PriceImportResult(source, history ?? PriceHistory.Empty(Currency.Eur, TimeSpan.FromHours(1)), issues);
    }

    private static PriceImportResult WithPublication(PriceImportResult result, string path)
    {
        try
        {
            return File.Exists(path) ? new PriceImportResult(result.Source, result.History, result.Issues) { Published = File.GetLastWriteTimeUtc(path) } : result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return result;
        }
    }
}
