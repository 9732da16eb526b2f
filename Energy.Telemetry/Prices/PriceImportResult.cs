namespace Energy.Telemetry.Prices;

/// <summary>
/// What a price file held: the history of the slots that could be read, and every problem found.
/// Bad data is a result, not an exception; with any error the import has failed and its
/// <see cref="History"/> is for diagnosis only.
/// </summary>
public sealed class PriceImportResult
{
    public PriceImportResult(string source, PriceHistory history, IReadOnlyList<PriceImportIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(issues);
        Source = source;
        History = history;
        Issues = issues;
        Errors = issues.Where(i => i.Severity == PriceIssueSeverity.Error).ToList();
        Warnings = issues.Where(i => i.Severity == PriceIssueSeverity.Warning).ToList();
    }

    public string Source { get; }

    public PriceHistory History { get; }

    /// <summary>Errors and warnings in the order found.</summary>
    public IReadOnlyList<PriceImportIssue> Issues { get; }

    public IReadOnlyList<PriceImportIssue> Errors { get; }

    public IReadOnlyList<PriceImportIssue> Warnings { get; }

    public bool Succeeded => Errors.Count == 0;

    /// <summary>When the document was published, where known (a file's last write); an import without it counts as published when imported.</summary>
    public DateTimeOffset? Published { get; init; }

    /// <summary>A document refused whole before it was read (too large, unreadable): no prices, one error.</summary>
    public static PriceImportResult Refused(string source, string message) =>
        Failed(source, PriceHistory.Empty(Energy.Contracts.Units.Currency.Eur, TimeSpan.FromHours(1)), message);

    /// <summary>A failed import of the whole file: no prices, one error.</summary>
    internal static PriceImportResult Failed(string source, PriceHistory empty, string message) =>
        new(source, empty, [new PriceImportIssue(source, 0, PriceIssueSeverity.Error, message)]);

    public override string ToString() => Succeeded
        ? $"{Source}: {History.Count} slots, {Warnings.Count} warnings"
        : $"{Source}: {Errors.Count} errors, first {Errors[0]}";
}
