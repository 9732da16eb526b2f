namespace Energy.Telemetry.Prices;

/// <summary>
/// Collects the problems of one import. A file with a broken column can hold thousands of bad
/// lines: the first <see cref="ListedPerSeverity"/> of each severity are listed, the rest counted
/// in a closing line, so nothing is dropped silently and the list stays readable.
/// </summary>
internal sealed class PriceIssueCollector(string source)
{
    public const int ListedPerSeverity = 100;

    private readonly List<PriceImportIssue> _issues = [];
    private int _errors;
    private int _warnings;

    public string Source => source;

    public int ErrorCount => _errors;

    public void Error(int line, string message) => Add(line, PriceIssueSeverity.Error, message);

    public void Warning(int line, string message) => Add(line, PriceIssueSeverity.Warning, message);

    /// <summary>One warning per gap between known slots, at the line of the slot after the gap where known.</summary>
    public void ReportGaps(PriceHistory history, IReadOnlyDictionary<long, int> lineOfSlot)
    {
        foreach (var gap in history.Gaps)
        {
            lineOfSlot.TryGetValue(gap.End.UtcTicks, out var line);
            Warning(line, $"{gap.Count} slots missing from {PriceText.Instant(gap.Start)} to {PriceText.Instant(gap.End)}: reported as a gap, not filled");
        }
    }

    public PriceImportResult Result(PriceHistory history)
    {
        // Compiler order: by line, file-level issues first; the sort is stable, so one line keeps its order.
        var issues = _issues.OrderBy(i => i.Line).ToList();
        if (_errors > ListedPerSeverity)
        {
            issues.Add(new PriceImportIssue(source, 0, PriceIssueSeverity.Error, $"… and {_errors - ListedPerSeverity} more errors"));
        }

        if (_warnings > ListedPerSeverity)
        {
            issues.Add(new PriceImportIssue(source, 0, PriceIssueSeverity.Warning, $"… and {_warnings - ListedPerSeverity} more warnings"));
        }

        return new PriceImportResult(source, history, issues);
    }

    private void Add(int line, PriceIssueSeverity severity, string message)
    {
        var count = severity == PriceIssueSeverity.Error ? ++_errors : ++_warnings;
        if (count <= ListedPerSeverity)
        {
            _issues.Add(new PriceImportIssue(source, line, severity, message));
        }
    }
}
