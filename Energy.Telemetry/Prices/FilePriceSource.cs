using Energy.Contracts.Prices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Prices from files (CSV or ENTSO-E XML, see <see cref="PriceFileImporter"/>): answers from the
/// history held, and takes each new import over it, newer prices winning. A failed import changes
/// nothing; a successful one is saved to the <see cref="LastGoodPriceStore"/> when there is one.
/// Knows every price it holds: wrap it in <see cref="PublishedPriceSource"/> for an honest backtest.
/// </summary>
public sealed class FilePriceSource : IPriceSource
{
    private const int LoggedIssues = 10;

    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly LastGoodPriceStore? _lastGood;
    private PriceHistory _history;

    /// <param name="name">How logs and the API name this feed.</param>
    /// <param name="history">The prices known at start, e.g. <see cref="LastGoodPriceStore.Load"/>'s.</param>
    /// <param name="logger">Where imports are reported.</param>
    /// <param name="lastGood">Where each successful import's future prices are kept across restarts.</param>
    public FilePriceSource(string name, PriceHistory history, ILogger<FilePriceSource>? logger = null, LastGoodPriceStore? lastGood = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        Name = name;
        _history = history;
        _logger = logger ?? NullLogger<FilePriceSource>.Instance;
        _lastGood = lastGood;
    }

    public string Name { get; }

    public PriceHistory History => Volatile.Read(ref _history);

    public ValueTask<PriceCurve> GetPricesAsync(DateTimeOffset start, DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(History.Curve(start, until));
    }

    /// <summary>Takes a file's prices over those held. Returns false, holding the prices known before, when the import failed or does not fit.</summary>
    public bool Import(PriceImportResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.Succeeded)
        {
            Log.PriceImportFailed(_logger, result.Source, result.Errors.Count, result.Errors[0].ToString());
            LogIssues(result.Errors.Skip(1), LogLevel.Error);
            return false;
        }

        LogIssues(result.Warnings, LogLevel.Warning);
        PriceHistory merged;
        lock (_gate)
        {
            var held = _history;
            var incoming = result.History;
            if (PriceHistory.TryAlignSlotLengths(ref held, ref incoming))
            {
                Log.PriceSlotLengthChanged(_logger, result.Source, (int)result.History.SlotLength.TotalMinutes, (int)_history.SlotLength.TotalMinutes);
            }

            if (!held.TryMerge(incoming, out var combined, out var error))
            {
                Log.PriceImportIncompatible(_logger, result.Source, error);
                return false;
            }

            merged = combined;
            Volatile.Write(ref _history, merged);
        }

        var imported = result.History;
        Log.PricesImported(_logger, result.Source, imported.Count, imported.Currency.Code, (int)imported.SlotLength.TotalMinutes,
            imported.First is { } first ? PriceText.Instant(first) : "-", imported.End is { } end ? PriceText.Instant(end) : "-", imported.Gaps.Count, merged.Count);
        _lastGood?.Save(merged);
        return true;
    }

    private void LogIssues(IEnumerable<PriceImportIssue> issues, LogLevel level)
    {
        foreach (var issue in issues.Take(LoggedIssues))
        {
            Log.PriceImportIssue(_logger, level, issue);
        }
    }
}
