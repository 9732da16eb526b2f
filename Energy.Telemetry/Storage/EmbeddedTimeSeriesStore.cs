using System.Text;
using System.Threading.Channels;
using Energy.Contracts.Time;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Storage;

/// <summary>
/// The default store: line protocol appended to one file per UTC day under
/// <c>DATA/timeseries/</c>. A bounded queue sits in front of the disk so that a slow disk never
/// stalls the control loop; a full queue is counted and logged, never silent. While the disk refuses
/// (read-only, full), flushed points wait in memory up to <see cref="MaxPendingChars"/> characters; beyond that
/// they are dropped and counted (<see cref="Dropped"/>). The failure is logged once when it starts and once when
/// writes work again, and held as the alarm <c>state.timeseries</c> meanwhile. A torn last line (a crash in the
/// middle of an append) is cut off at start, and after a failed append, before the file is appended to again.
/// </summary>
public sealed class EmbeddedTimeSeriesStore : ITimeSeriesStore, IDisposable
{
    /// <summary>What may wait in memory for a disk that refuses: about 8 MB, some 40,000 points.</summary>
    public const int MaxPendingChars = 4 * 1024 * 1024;

    public const string AlarmKey = "state.timeseries";

    private const int Capacity = 200_000;

    // Wait mode: TryWrite answers false when full (DropWrite would answer true and drop silently).
    private readonly Channel<TimeSeriesPoint> _queue = Channel.CreateBounded<TimeSeriesPoint>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private readonly string _folder;
    private readonly ILogger _logger;
    private readonly Alarms? _alarms;
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly Dictionary<DateOnly, StringBuilder> _pending = [];
    private readonly HashSet<string> _mayBeTorn = new(StringComparer.Ordinal);
    private long _rejected;
    private long _dropped;
    private string? _failing;

    public EmbeddedTimeSeriesStore(string dataFolder, ILogger<EmbeddedTimeSeriesStore> logger, Alarms? alarms = null)
    {
        _folder = Path.Combine(dataFolder, "timeseries");
        _logger = logger;
        _alarms = alarms;
        try
        {
            Directory.CreateDirectory(_folder);
            foreach (var file in Directory.GetFiles(_folder, "*.lp"))
            {
                Repair(file, atStart: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A data folder that cannot be written must not stop control: the points wait (bounded) until it can.
            Failing(_folder, e.Message);
        }
    }

    public string Folder => _folder;

    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Points flushed while the disk refused that no longer fit in memory, and were dropped.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public bool TryWrite(IReadOnlyList<TimeSeriesPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var all = true;
        foreach (var point in points)
        {
            if (!_queue.Writer.TryWrite(point))
            {
                all = false;
                if (Interlocked.Increment(ref _rejected) == 1)
                {
                    Log.StoreQueueFull(_logger, Capacity);
                }
            }
        }

        return all;
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var byDay = _pending;
            var held = byDay.Values.Sum(sb => (long)sb.Length);
            var line = new StringBuilder();
            while (_queue.Reader.TryRead(out var point))
            {
                line.Clear();
                if (!LineProtocol.Append(line, point))
                {
                    Interlocked.Increment(ref _rejected);
                    continue;
                }

                if (held + line.Length > MaxPendingChars)
                {
                    Interlocked.Increment(ref _dropped);
                    continue;
                }

                var day = MarketCalendar.LocalDayOf(point.Timestamp, TimeZoneInfo.Utc);
                if (!byDay.TryGetValue(day, out var sb))
                {
                    byDay[day] = sb = new StringBuilder();
                }

                sb.Append(line);
                held += line.Length;
            }

            foreach (var (day, sb) in byDay.ToList())
            {
                var file = Path.Combine(_folder, $"{day:yyyy-MM-dd}.lp");
                try
                {
                    if (_mayBeTorn.Remove(file))
                    {
                        Repair(file, atStart: false);
                    }

                    Directory.CreateDirectory(_folder);
                    await File.AppendAllTextAsync(file, sb.ToString(), cancellationToken);
                    byDay.Remove(day);
                    WritesAgain();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Kept in memory (bounded) and written on a later flush; a half-written append is cut back first.
                    _mayBeTorn.Add(file);
                    Failing(file, e.Message);
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public void Dispose() => _flushing.Dispose();

    private void Repair(string file, bool atStart)
    {
        if (AppendOnlyFile.RepairTornTail(file) is not { } torn)
        {
            return;
        }

        Log.StoreTornLineRepaired(_logger, file, torn.Bytes, torn.Start);
        if (atStart)
        {
            _alarms?.Raise(AlarmKey, $"{Path.GetFileName(file)} ended in a torn line after a crash: {torn.Bytes} bytes of one point cut off", AlarmSeverity.Critical);
        }
    }

    private void Failing(string file, string reason)
    {
        if (_failing is not null)
        {
            return;
        }

        _failing = reason;
        Log.StoreWriteFailing(_logger, file, reason, MaxPendingChars);
        _alarms?.Hold(AlarmKey, $"the time-series store cannot write {file}: {reason}; points wait in memory (bounded), the excess is dropped and counted",
            AlarmSeverity.Warning);
    }

    private void WritesAgain()
    {
        if (_failing is null || _pending.Count > 0)
        {
            return;
        }

        _failing = null;
        Log.StoreWritesAgain(_logger, _folder, Dropped);
        _alarms?.Clear(AlarmKey);
    }
}
