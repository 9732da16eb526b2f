using System.Text;
using System.Threading.Channels;
using Energy.Telemetry.Health;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.History;

/// <summary>
/// The time-series store of <c>--influx</c>: nothing the control loop writes waits for the database, and nothing
/// accepted is lost while the database is down or when the process is killed.
/// <list type="number">
/// <item><see cref="TryWrite"/> only puts points into a bounded in-memory queue (full: rejected and counted).</item>
/// <item>A writer task takes whatever is queued as soon as it is there and appends it to the <see cref="HistorySpool"/>
/// as one fsync'd batch; a SIGKILL loses at most the few milliseconds of points not yet appended.</item>
/// <item>A sender task reads the spool from its acknowledged position, in order, and writes to the database through
/// <see cref="IHistoryWriter"/>; after each acknowledged write it advances and saves the position. A failure is
/// retried with capped exponential backoff (1 s doubling to <see cref="HistoryOptions.MaxBackoff"/>), logged once
/// when it starts and once when writes work again, and held as the alarm <see cref="SendAlarmKey"/> meanwhile.</item>
/// </list>
/// Duplicates: a crash between the database's acknowledgement and the saved position resends that one batch (up to
/// <see cref="HistoryOptions.MaxBatchPoints"/> points) at the next start. At stop the queue is appended to the spool and
/// the sender gets <see cref="StopGrace"/> to finish; what is not sent stays in the spool for the next start.
/// </summary>
public sealed class SpooledTimeSeriesStore : ITimeSeriesStore, IHostedService, IDisposable
{
    public const string SendAlarmKey = "history.send";
    public const string SpoolWriteAlarmKey = "history.spool.write";
    public const string QueueFullAlarmKey = "history.queue.full";
    public const string RefusedAlarmKey = "history.refused";

    /// <summary>How long a stopping sender may go on sending what is pending.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);

    private const int MaxBatchBytes = 8 * 1024 * 1024;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);

    private readonly HistorySpool _spool;
    private readonly IHistoryWriter _writer;
    private readonly HistoryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Alarms? _alarms;
    private readonly Channel<TimeSeriesPoint> _queue;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _appending = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private Task? _writerTask;
    private Task? _senderTask;
    private long _rejected;
    private long _refused;
    private int _rejecting;
    private volatile bool _draining;
    private volatile string? _lastError;
    private DateTimeOffset? _failingSince;
    private string? _spoolFailing;
    private (byte[] Payload, int Points)? _held;

    public SpooledTimeSeriesStore(HistorySpool spool, IHistoryWriter writer, HistoryOptions options, TimeProvider time,
        ILogger<SpooledTimeSeriesStore> logger, Alarms? alarms = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _spool = spool;
        _writer = writer;
        _options = options;
        _time = time;
        _logger = logger;
        _alarms = alarms;
        // Wait mode: TryWrite answers false when full (DropWrite would answer true and drop silently).
        _queue = Channel.CreateBounded<TimeSeriesPoint>(new BoundedChannelOptions(options.QueueCapacity)
        { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    public HistorySpool Spool => _spool;

    public bool TryWrite(IReadOnlyList<TimeSeriesPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var all = true;
        foreach (var point in points)
        {
            if (!_queue.Writer.TryWrite(point))
            {
                all = false;
                Interlocked.Increment(ref _rejected);
            }
        }

        if (!all && Interlocked.Exchange(ref _rejecting, 1) == 0)
        {
            Log.HistoryQueueFull(_logger, _options.QueueCapacity);
            _alarms?.Raise(QueueFullAlarmKey, $"the history queue was full ({_options.QueueCapacity} points): points were rejected (counted), the spool cannot keep up",
                AlarmSeverity.Critical);
        }
        else if (all && points.Count > 0)
        {
            Volatile.Write(ref _rejecting, 0);
        }

        return all;
    }

    /// <summary>
    /// While the writer task runs, returns at once: the writer appends within milliseconds of a point's arrival, and the control
    /// loop, which flushes every 10 ticks, must not wait for a disk. Before the start (or after the stop) it appends what is
    /// queued itself (durable once it returns); never waiting for a refusing disk: then the points stay queued (bounded).
    /// </summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_writerTask is { IsCompleted: false })
        {
            return;
        }

        await AppendQueuedAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writerTask = Task.Run(() => WriteLoopAsync(_stopping.Token), CancellationToken.None);
        _senderTask = Task.Run(SendLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_writerTask is { } writer)
        {
            await writer;
        }

        // One last try: what the disk still refuses is lost with the process (counted in the stop's log line).
        await AppendQueuedAsync(CancellationToken.None);
        _draining = true;
        _wake.Writer.TryWrite(true);
        if (_senderTask is { } sender)
        {
            try
            {
                await sender.WaitAsync(StopGrace, _time, cancellationToken);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                // Past the grace: the write in flight is abandoned, its batch stays in the spool (sent again at the next start).
                await _abort.CancelAsync();
                await sender;
            }
        }

        Log.HistoryStopped(_logger, _spool.PendingPoints, _queue.Reader.Count + (_held?.Points ?? 0));
    }

    public HistoryStatus Status()
    {
        var oldest = _spool.OldestPendingAppendedAt;
        return new HistoryStatus(_writer.Target, _queue.Reader.Count, _options.QueueCapacity, Interlocked.Read(ref _rejected),
            _spool.PendingPoints, _spool.PendingBytes, _spool.DiskBytes, _spool.PeakDiskBytes, _spool.LimitBytes, _spool.AcknowledgedPoints,
            _spool.DroppedPoints, Interlocked.Read(ref _refused), _lastError, _failingSince,
            oldest is { } o ? Math.Max(0, (_time.GetUtcNow() - o).TotalSeconds) : 0);
    }

    public void Dispose()
    {
        _appending.Dispose();
        _stopping.Dispose();
        _abort.Dispose();
        _spool.Dispose();
        (_writer as IDisposable)?.Dispose();
    }

    private async Task WriteLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                if (!await AppendQueuedAsync(stoppingToken))
                {
                    await Task.Delay(FirstBackoff, _time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync appends what is left.
        }
    }

    /// <summary>
    /// Appends the queue to the spool in batches of up to <see cref="HistoryOptions.MaxBatchPoints"/>. False when the disk
    /// refused: the batch is held and tried first next time (the writer retries each second; the queue fills meanwhile).
    /// </summary>
    private async Task<bool> AppendQueuedAsync(CancellationToken cancellationToken)
    {
        await _appending.WaitAsync(cancellationToken);
        try
        {
            if (_held is { } held)
            {
                if (!TryAppend(held.Payload, held.Points))
                {
                    return false;
                }

                _held = null;
            }

            var lines = new StringBuilder();
            while (true)
            {
                lines.Clear();
                var points = 0;
                while (points < _options.MaxBatchPoints && _queue.Reader.TryRead(out var point))
                {
                    if (LineProtocol.Append(lines, point, inMilliseconds: true))
                    {
                        points++;
                    }
                }

                if (points == 0)
                {
                    return true;
                }

                var payload = Encoding.UTF8.GetBytes(lines.ToString());
                if (!TryAppend(payload, points))
                {
                    _held = (payload, points);
                    return false;
                }
            }
        }
        finally
        {
            _appending.Release();
        }
    }

    private bool TryAppend(byte[] payload, int points)
    {
        try
        {
            _spool.Append(payload, points);
            _wake.Writer.TryWrite(true);
            if (_spoolFailing is not null)
            {
                _spoolFailing = null;
                Log.HistorySpoolWritesAgain(_logger, _spool.Folder);
                _alarms?.Clear(SpoolWriteAlarmKey);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_spoolFailing is null)
            {
                _spoolFailing = e.Message;
                Log.HistorySpoolWriteFailing(_logger, _spool.Folder, e.Message);
                _alarms?.Hold(SpoolWriteAlarmKey, $"the history spool {_spool.Folder} cannot be written: {e.Message}; points wait in memory (bounded), then are rejected and counted",
                    AlarmSeverity.Critical);
            }

            return false;
        }
    }

    private async Task SendLoopAsync()
    {
        var backoff = FirstBackoff;
        while (!_abort.IsCancellationRequested)
        {
            var batch = _spool.ReadPending(_options.MaxBatchPoints, MaxBatchBytes);
            if (batch is null)
            {
                if (_draining)
                {
                    return;
                }

                await _wake.Reader.ReadAsync(CancellationToken.None);
                continue;
            }

            try
            {
                await _writer.WriteAsync(batch.Payloads, _abort.Token);
                _spool.Acknowledge(batch.End);
                WritesAgain();
                backoff = FirstBackoff;
            }
            catch (HistoryWriteRefusedException e)
            {
                Interlocked.Add(ref _refused, batch.Points);
                Log.HistoryBatchRefused(_logger, _writer.Target, batch.Points, e.Message);
                _alarms?.Raise(RefusedAlarmKey, $"the history database refused {Interlocked.Read(ref _refused)} points as bad data: {e.Message}");
                _spool.Acknowledge(batch.End);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Loop boundary: whatever the client throws (refused connection, timeout, 5xx, 401) leaves the batch in the
                // spool; it is sent again after the backoff.
                Failing(e);
                if (_draining)
                {
                    return;
                }

                try
                {
                    await Task.Delay(backoff, _time, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: one more try within the grace, then the sender ends.
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
    }

    private void Failing(Exception e)
    {
        var reason = e is AggregateException { InnerException: { } inner } ? inner.Message : e.Message;
        _lastError = $"{e.GetType().Name}: {reason}";
        if (_failingSince is not null)
        {
            return;
        }

        _failingSince = _time.GetUtcNow();
        Log.HistorySendFailing(_logger, _writer.Target, _lastError, _options.MaxBackoff.TotalSeconds);
        _alarms?.Hold(SendAlarmKey, $"history: writing to {_writer.Target} fails ({_lastError}); points are kept in the spool and sent when it works", AlarmSeverity.Warning);
    }

    private void WritesAgain()
    {
        if (_failingSince is not { } since)
        {
            return;
        }

        _failingSince = null;
        _lastError = null;
        Log.HistorySendsAgain(_logger, _writer.Target, Math.Round((_time.GetUtcNow() - since).TotalSeconds, 1), _spool.PendingPoints);
        _alarms?.Clear(SendAlarmKey);
    }
}
