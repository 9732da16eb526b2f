using System.Globalization;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Keeps the last good future prices across restarts in <c>DATA/prices/last-good.csv</c>, in the
/// shared CSV format. Each save writes a temporary file, flushes it to disk and renames it over the
/// old one (a rename within a folder is atomic on POSIX file systems), so a crash leaves the old
/// file or the new one, never half of one. A file that does not read back is moved aside to
/// <c>last-good.csv.corrupt</c> and reported; it never stops the start.
/// </summary>
public sealed class LastGoodPriceStore
{
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    public LastGoodPriceStore(string dataFolder, TimeProvider timeProvider, ILogger<LastGoodPriceStore> logger)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        FilePath = Path.Combine(dataFolder, "prices", "last-good.csv");
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public string FilePath { get; }

    public string CorruptFilePath => FilePath + ".corrupt";

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

    /// <summary>The prices saved last, or null when there are none or the file is unreadable (then moved aside).</summary>
    public PriceHistory? Load()
    {
        lock (_gate)
        {
            if (!File.Exists(FilePath))
            {
                Log.LastGoodMissing(_logger, FilePath);
                return null;
            }

            var result = CsvPriceReader.ReadFile(FilePath);
            if (!result.Succeeded)
            {
                MoveAside(result.Errors[0].ToString());
                return null;
            }

            var history = result.History;
            Log.LastGoodLoaded(_logger, history.Count, FilePath,
                history.First is { } first ? PriceText.Instant(first) : "-", history.End is { } end ? PriceText.Instant(end) : "-");
            return history;
        }
    }

    private void MoveAside(string reason)
    {
        try
        {
            File.Move(FilePath, CorruptFilePath, overwrite: true);
            Log.LastGoodCorrupt(_logger, FilePath, reason, CorruptFilePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LastGoodCorrupt(_logger, FilePath, string.Create(CultureInfo.InvariantCulture, $"{reason}; moving it aside failed too: {e.Message}"), FilePath);
        }
    }
}
