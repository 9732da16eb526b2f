using System.Text;
using System.Threading.Channels;
using Energy.Contracts.Time;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Storage;

/// <summary>
/// The default store: line protocol appended to one file per UTC day under
/// <c>DATA/timeseries/</c>. A bounded queue sits in front of the disk so that a slow disk never
/// stalls the control loop; a full queue is counted and logged, never silent.
/// </summary>
public sealed class EmbeddedTimeSeriesStore : ITimeSeriesStore, IDisposable
{
    private const int Capacity = 200_000;

    // Wait mode: TryWrite answers false when full (DropWrite would answer true and drop silently).
    private readonly Channel<TimeSeriesPoint> _queue = Channel.CreateBounded<TimeSeriesPoint>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private readonly string _folder;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly Dictionary<DateOnly, StringBuilder> _pending = [];
    private long _rejected;

    public EmbeddedTimeSeriesStore(string dataFolder, ILogger<EmbeddedTimeSeriesStore> logger)
    {
        _folder = Path.Combine(dataFolder, "timeseries");
        _logger = logger;
        Directory.CreateDirectory(_folder);
    }

    public string Folder => _folder;

    public long Rejected => Interlocked.Read(ref _rejected);

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
            while (_queue.Reader.TryRead(out var point))
            {
                var day = MarketCalendar.LocalDayOf(point.Timestamp, TimeZoneInfo.Utc);
                if (!byDay.TryGetValue(day, out var sb))
                {
                    byDay[day] = sb = new StringBuilder();
                }

                if (!LineProtocol.Append(sb, point))
                {
                    Interlocked.Increment(ref _rejected);
                }
            }

            foreach (var (day, sb) in byDay.ToList())
            {
                var file = Path.Combine(_folder, $"{day:yyyy-MM-dd}.lp");
                try
                {
                    await File.AppendAllTextAsync(file, sb.ToString(), cancellationToken);
                    byDay.Remove(day);
                }
                catch (IOException e)
                {
                    // Kept in memory and written on the next flush: a full or failing disk loses nothing it can avoid.
                    Log.StoreWriteFailed(_logger, file, e.Message);
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public void Dispose() => _flushing.Dispose();
}
