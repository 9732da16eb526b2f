using System.Text;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// Keeps the <see cref="DemandHistory"/> in <c>DATA/demand-history.csv</c>. Each save writes a temporary
/// file, flushes it and renames it over the old one (atomic within a folder on POSIX), so a crash leaves
/// the old file or the new one. A file that does not read back is moved aside to
/// <c>demand-history.csv.broken</c> and reported; it never stops the start.
/// </summary>
public sealed class DemandHistoryStore
{
    public const string FileName = "demand-history.csv";

    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    public DemandHistoryStore(string dataFolder, ILogger<DemandHistoryStore> logger)
    {
        ArgumentNullException.ThrowIfNull(dataFolder);
        ArgumentNullException.ThrowIfNull(logger);
        FilePath = Path.Combine(dataFolder, FileName);
        _logger = logger;
    }

    public string FilePath { get; }

    public string BrokenFilePath => FilePath + ".broken";

    /// <summary>Reads the file into <paramref name="history"/>; a missing file is an empty history, a broken one is moved aside.</summary>
    public void Load(DemandHistory history, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(history);
        lock (_gate)
        {
            if (!File.Exists(FilePath))
            {
                return;
            }

            string? problem;
            try
            {
                using var reader = new StreamReader(FilePath, Encoding.UTF8);
                problem = DemandHistoryCsv.Read(reader, history, now);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problem = e.Message;
            }

            if (problem is null)
            {
                Log.DemandHistoryLoaded(_logger, history.KnownSlots, FilePath);
                return;
            }

            try
            {
                File.Move(FilePath, BrokenFilePath, overwrite: true);
                Log.DemandHistoryBroken(_logger, FilePath, problem, BrokenFilePath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.DemandHistoryBroken(_logger, FilePath, $"{problem}; moving it aside failed too: {e.Message}", FilePath);
            }
        }
    }

    /// <summary>Writes the history; false, logged, when the disk refuses (the history stays in memory).</summary>
    public bool Save(DemandHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        lock (_gate)
        {
            try
            {
                AtomicFile.Write(FilePath, writer => DemandHistoryCsv.Write(writer, history));
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.DemandHistorySaveFailed(_logger, FilePath, e.Message);
                return false;
            }
        }
    }
}
