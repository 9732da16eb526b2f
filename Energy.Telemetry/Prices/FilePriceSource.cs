using Energy.Contracts.Prices;
using Energy.Contracts.Units;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Prices from files (CSV or ENTSO-E XML, see <see cref="PriceFileImporter"/>) and MQTT documents:
/// answers from the history held, and takes each new import over it slot by slot, the later
/// publication winning (<see cref="PriceHistory.TryMergeByPublication"/>; an import is published when
/// its file was written, or when it came). A refused import (any error, another currency) changes
/// nothing, is logged with its reasons and lines and raised as <c>prices.refused</c>; a successful one
/// is saved to the <see cref="LastGoodPriceStore"/> when there is one. Knows every price it holds: wrap
/// it in <see cref="PublishedPriceSource"/> for an honest backtest.
/// </summary>
public sealed class FilePriceSource : IPriceSource
{
    public const string RefusedAlarmKey = "prices.refused";

    private const int LoggedIssues = 10;

    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly LastGoodPriceStore? _lastGood;
    private readonly Alarms? _alarms;
    private readonly TimeProvider _time;
    private readonly Currency? _currency;
    private PriceHistory _history;

    /// <param name="name">How logs and the API name this feed.</param>
    /// <param name="history">The prices known at start, e.g. <see cref="LastGoodPriceStore.Load"/>'s.</param>
    /// <param name="logger">Where imports are reported.</param>
    /// <param name="lastGood">Where each successful import's future prices are kept across restarts.</param>
    /// <param name="alarms">Where refused imports are raised (<see cref="RefusedAlarmKey"/>).</param>
    /// <param name="time">The clock: when an import without a publication time was published; the system's by default.</param>
    /// <param name="currency">The only currency imports may be in (the site's); any when null.</param>
    public FilePriceSource(string name, PriceHistory history, ILogger<FilePriceSource>? logger = null, LastGoodPriceStore? lastGood = null,
        Alarms? alarms = null, TimeProvider? time = null, Currency? currency = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        Name = name;
        _history = history;
        _logger = logger ?? NullLogger<FilePriceSource>.Instance;
        _lastGood = lastGood;
        _alarms = alarms;
        _time = time ?? TimeProvider.System;
        _currency = currency;
    }

    public string Name { get; }

    public PriceHistory History => Volatile.Read(ref _history);

    public ValueTask<PriceCurve> GetPricesAsync(DateTimeOffset start, DateTimeOffset until, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(History.Curve(start, until));
    }

    /// <summary>
    /// Takes a document's prices over those held where they were published later. Returns false, holding the prices
    /// known before, when the import failed, is in another currency or does not fit: logged and raised.
    /// </summary>
    public bool Import(PriceImportResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.Succeeded)
        {
            Log.PriceImportFailed(_logger, result.Source, result.Errors.Count, result.Errors[0].ToString());
            LogIssues(result.Errors.Skip(1), LogLevel.Error);
            Refused(result.Source, $"{result.Errors.Count} errors, first {result.Errors[0]}");
            return false;
        }

        if (_currency is { } expected && !result.History.IsEmpty && result.History.Currency != expected)
        {
            Log.PriceCurrencyRefused(_logger, result.Source, result.History.Currency.Code, expected.Code);
            Refused(result.Source, $"prices in {result.History.Currency.Code}, the site accounts in {expected.Code}");
            return false;
        }

        LogIssues(result.Warnings, LogLevel.Warning);

        // Published when its file was written, or now; never later than now (a clock or a file from the future wins nothing).
        var now = _time.GetUtcNow();
        var published = result.Published is { } p && p < now ? p : now;
        PriceHistory merged;
        int kept, taken;
        lock (_gate)
        {
            var held = _history;
            var incoming = result.History.PublishedAt(published);
            if (PriceHistory.TryAlignSlotLengths(ref held, ref incoming))
            {
                Log.PriceSlotLengthChanged(_logger, result.Source, (int)result.History.SlotLength.TotalMinutes, (int)_history.SlotLength.TotalMinutes);
            }

            if (!held.TryMergeByPublication(incoming, out var combined, out var error))
            {
                Log.PriceImportIncompatible(_logger, result.Source, error);
                Refused(result.Source, error);
                return false;
            }

            merged = combined;
            kept = incoming.Slots.Count(s => PublishedOf(merged, s.Start) > published);
            taken = incoming.Count - kept;
            Volatile.Write(ref _history, merged);
        }

        if (kept > 0)
        {
            Log.PricesMergedByPublication(_logger, result.Source, PriceText.Instant(published), taken, kept);
        }

        var imported = result.History;
        Log.PricesImported(_logger, result.Source, imported.Count, imported.Currency.Code, (int)imported.SlotLength.TotalMinutes,
            imported.First is { } first ? PriceText.Instant(first) : "-", imported.End is { } end ? PriceText.Instant(end) : "-", imported.Gaps.Count, merged.Count);
        _lastGood?.Save(merged);
        return true;
    }

    private static DateTimeOffset PublishedOf(PriceHistory history, DateTimeOffset start) =>
        history.SlotAt(start)?.Published ?? DateTimeOffset.MinValue;

    private void Refused(string source, string reason) =>
        _alarms?.Raise(RefusedAlarmKey, $"price document from {source} refused: {reason}");

    private void LogIssues(IEnumerable<PriceImportIssue> issues, LogLevel level)
    {
        foreach (var issue in issues.Take(LoggedIssues))
        {
            Log.PriceImportIssue(_logger, level, issue);
        }
    }
}
