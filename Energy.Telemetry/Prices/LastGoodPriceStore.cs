using System.Globalization;
using Energy.Contracts.Sites;
using Energy.Telemetry.Health;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Keeps the last good future prices across restarts in <c>DATA/prices/last-good.csv</c>, in the
/// shared CSV format with a third column <c>published_utc</c>: when each slot's price was published
/// (imported, or the file's time), so that a fresher file wins over it slot by slot
/// (<see cref="PriceHistory.TryMergeByPublication"/>). Written through <see cref="AtomicFile"/>, so a
/// crash leaves the old file or the new one, never half of one. Checked on read against the same rules
/// as any price file (the site's clearing-price limits, nothing beyond tomorrow, a size bound): a file
/// that does not pass is moved aside to <c>last-good.csv.corrupt</c>, logged as critical and raised as
/// the critical alarm <c>prices.lastGood</c>; it never stops the start.
/// </summary>
public sealed class LastGoodPriceStore
{
    public const string AlarmKey = "prices.lastGood";

    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Alarms? _alarms;
    private readonly Site? _site;
    private readonly Lock _gate = new();

    /// <param name="dataFolder">The data folder; the file is <c>prices/last-good.csv</c> in it.</param>
    /// <param name="timeProvider">The clock: what is future, and the horizon the file is checked against.</param>
    /// <param name="logger">Where saves and loads are reported.</param>
    /// <param name="alarms">Where a refused file is raised; none in the command-line tools.</param>
    /// <param name="site">Whose market limits and time zone the file is checked against; without one, SDAC's limits and no horizon.</param>
    public LastGoodPriceStore(string dataFolder, TimeProvider timeProvider, ILogger<LastGoodPriceStore> logger, Alarms? alarms = null, Site? site = null)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        FilePath = PathIn(dataFolder);
        _timeProvider = timeProvider;
        _logger = logger;
        _alarms = alarms;
        _site = site;
    }

    public string FilePath { get; }

    public string CorruptFilePath => FilePath + ".corrupt";

    /// <summary>Where the store of <paramref name="dataFolder"/> keeps its file.</summary>
    public static string PathIn(string dataFolder) => Path.Combine(dataFolder, "prices", "last-good.csv");

    /// <summary>The rules the file is read with now.</summary>
    public PriceImportRules Rules => _site is { } site
        ? PriceImportRules.ForFiles(site.PriceLimits, site.TimeZone, _timeProvider.GetUtcNow())
        : PriceImportRules.Default;

    /// <summary>
    /// Saves the slots of <paramref name="history"/> not yet over, the one under way included, and
    /// the one just ended: the CSV format carries the slot length only as the step between rows, so
    /// a file down to its last future slot must still show a step. False, logged, when the disk refuses.
    /// </summary>
    public bool Save(PriceHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var future = history.Between(_timeProvider.GetUtcNow() - history.SlotLength, DateTimeOffset.MaxValue);
        lock (_gate)
        {
            try
            {
                AtomicFile.Write(FilePath, writer => CsvPriceWriter.Write(writer, future));
                Log.LastGoodSaved(_logger, future.Count, FilePath);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.LastGoodSaveFailed(_logger, FilePath, e.Message);
                return false;
            }
        }
    }

    /// <summary>The prices saved last, or null when there are none or the file does not pass its checks (then moved aside and raised).</summary>
    public PriceHistory? Load()
    {
        lock (_gate)
        {
            if (!File.Exists(FilePath))
            {
                Log.LastGoodMissing(_logger, FilePath);
                return null;
            }

            PriceImportResult result;
            try
            {
                result = CsvPriceReader.ReadFile(FilePath, rules: Rules);
            }
            catch (Exception e) when (e is ArgumentException or OverflowException or FormatException)
            {
                // The readers report bad data as issues; this is a last line so that no file can stop the start.
                MoveAside($"{FilePath}: {e.Message}");
                return null;
            }

            if (!result.Succeeded)
            {
                MoveAside(result.Errors[0].ToString());
                return null;
            }

            // A publication time after now (a clock set back, a file written by hand) would win over every fresh file.
            var history = result.History.PublishedNoLaterThan(_timeProvider.GetUtcNow());
            Log.LastGoodLoaded(_logger, history.Count, FilePath,
                history.First is { } first ? PriceText.Instant(first) : "-", history.End is { } end ? PriceText.Instant(end) : "-");
            return history;
        }
    }

    /// <summary>
    /// What the file holds, for <c>heatgrid prices show</c>: read with <see cref="Rules"/> but never moved
    /// aside. Null when there is no file.
    /// </summary>
    public PriceImportResult? Inspect() => File.Exists(FilePath) ? CsvPriceReader.ReadFile(FilePath, rules: Rules) : null;

    /// <summary>Removes the file and the one moved aside, with their temporary files; returns the paths removed.</summary>
    /// <exception cref="IOException">The disk refused.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public IReadOnlyList<string> Clear()
    {
        lock (_gate)
        {
            var removed = new List<string>();
            foreach (var path in new[] { FilePath, FilePath + ".tmp", CorruptFilePath })
            {
                if (File.Exists(path))
                {
                    File.Delete(path);
                    removed.Add(path);
                }
            }

            Log.LastGoodCleared(_logger, FilePath, removed.Count);
            return removed;
        }
    }

    private void MoveAside(string reason)
    {
        var movedTo = CorruptFilePath;
        try
        {
            File.Move(FilePath, CorruptFilePath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"{reason}; moving it aside failed too: {e.Message}");
            movedTo = FilePath;
        }

        Log.LastGoodCorrupt(_logger, FilePath, reason, movedTo);
        _alarms?.Raise(AlarmKey, $"the last good prices in {FilePath} were refused and set aside in {movedTo}: {reason}", AlarmSeverity.Critical);
    }
}
