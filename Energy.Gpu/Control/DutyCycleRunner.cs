using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Control;

/// <summary>
/// Runs an <see cref="IDutyCycleWork"/> on a dedicated thread at a duty cycle d: each period it works
/// for about d × <see cref="Period"/>, then idles long enough that work ÷ (work + idle) = d even when a
/// burst overran its budget. The GPU's power follows the duty cycle (GPU.md: 100 / 50 / 25 / 0 % of
/// SHA-256d gave ≈ 386 / 256 / 189 / 119 W), which is the knob software power control turns. The
/// thread starts with the first duty above zero, sleeps without a timer while the duty is zero, and
/// idles on <see cref="TimeProvider"/> timers. A GPU error stops it for good (<see cref="Fault"/>).
/// </summary>
public sealed class DutyCycleRunner : IDisposable
{
    /// <summary>
    /// One work-plus-idle cycle. NVML's instant power refreshes about every 25 ms; a reading that
    /// averages over one refresh window sees a whole period and so the mean, whatever the phase.
    /// </summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromMilliseconds(25);

    // At a very low duty a burst that cannot be made shorter (one GEMM) would idle for long; beyond
    // this the duty cycle is let slip rather than leave the controller without a response.
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly IDutyCycleWork _work;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private Thread? _thread;
    private double _duty;
    private long _bursts;
    private long _busyTicks;
    private volatile Exception? _fault;
    private volatile bool _parked;
    private bool _disposed;

    public DutyCycleRunner(string name, IDutyCycleWork work, TimeProvider time, ILogger logger, TimeSpan? period = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        Period = period ?? DefaultPeriod;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Period, TimeSpan.Zero, nameof(period));
        Name = name;
        _work = work;
        _time = time;
        _logger = logger;
    }

    /// <summary>Names the thread and the log lines: <c>POOL/cuda0 sha256d</c>.</summary>
    public string Name { get; }

    public TimeSpan Period { get; }

    /// <summary>The duty cycle last set, in [0, 1].</summary>
    public double Duty => Volatile.Read(ref _duty);

    /// <summary>The GPU error that stopped the thread; null while it can run.</summary>
    public Exception? Fault => _fault;

    public bool IsStarted
    {
        get
        {
            lock (_lock)
            {
                return _thread is not null;
            }
        }
    }

    /// <summary>False: <see cref="SetDuty"/> starts no thread, and the owner steps <see cref="RunOnePeriod"/> itself (tests).</summary>
    internal bool StartsThread { get; init; } = true;

    /// <summary>True while the thread waits at duty zero for a new duty cycle.</summary>
    internal bool IsParked => _parked;

    /// <summary>Bursts of work run so far.</summary>
    public long Bursts => Interlocked.Read(ref _bursts);

    /// <summary>Time spent in bursts so far.</summary>
    public TimeSpan BusyTime => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks));

    /// <summary>
    /// Sets the duty cycle (clamped to [0, 1]); the first one above zero starts the thread. Does nothing
    /// once disposed.
    /// </summary>
    public void SetDuty(double duty)
    {
        var clamped = DutyCycleModel.ClampDuty(duty);
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var previous = Interlocked.Exchange(ref _duty, clamped);
            if (clamped <= 0)
            {
                return;
            }

            if (_thread is null && StartsThread)
            {
                _thread = new Thread(Loop) { IsBackground = true, Name = Name };
                _thread.Start();
            }
            else if (_thread is not null && previous <= 0)
            {
                // Only a thread waiting at duty zero needs waking; an idle pause ends by itself within a
                // period, and cutting it short would raise the duty cycle above the one asked for.
                _wake.Set();
            }
        }
    }

    /// <summary>
    /// One period on the calling thread: a burst of about duty × period, and the idle time that keeps
    /// the duty cycle; <see cref="Timeout.InfiniteTimeSpan"/> at duty zero (wait to be woken).
    /// </summary>
    internal TimeSpan RunOnePeriod()
    {
        var duty = Duty;
        if (duty <= 0)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var started = _time.GetTimestamp();
        var worked = _work.Run(Period * duty);
        var busy = _time.GetElapsedTime(started);
        Interlocked.Add(ref _busyTicks, busy.Ticks);
        if (!worked)
        {
            return Period;
        }

        Interlocked.Increment(ref _bursts);
        if (duty >= 1)
        {
            return TimeSpan.Zero;
        }

        var idle = busy * ((1 - duty) / duty);
        return idle > MaxIdle ? MaxIdle : idle;
    }

    /// <summary>Stops the thread after its current burst and waits for it to free its GPU resources.</summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            thread = _thread;
        }

        _stop.Cancel();
        _wake.Set();
        if (thread is not null && !thread.Join(StopTimeout))
        {
            // A kernel that does not return leaves nothing to free safely; the thread is a background one.
            Log.LoadStopTimedOut(_logger, Name, StopTimeout.TotalSeconds);
            return;
        }

        _wake.Dispose();
        _stop.Dispose();
    }

    private void Loop()
    {
        var token = _stop.Token;
        try
        {
            _work.Start();
            Log.LoadStarted(_logger, Name, Period.TotalMilliseconds);
            while (!token.IsCancellationRequested)
            {
                _wake.Reset();
                var idle = RunOnePeriod();
                if (idle != TimeSpan.Zero)
                {
                    Pause(idle, token);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed while pausing.
        }
        catch (Exception ex)
        {
            // The boundary of a dedicated thread: anything escaping would end the process. CUDA, NVRTC and
            // cuBLAS errors land here; the load stays stopped and says so once.
            _fault = ex;
            Log.LoadFaulted(_logger, ex, Name);
        }
        finally
        {
            StopWork();
        }
    }

    private void Pause(TimeSpan idle, CancellationToken token)
    {
        if (idle == Timeout.InfiniteTimeSpan)
        {
            _parked = true;
            try
            {
                _wake.Wait(token);
            }
            finally
            {
                _parked = false;
            }

            return;
        }

        using var timer = _time.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), _wake, idle, Timeout.InfiniteTimeSpan);
        _wake.Wait(token);
    }

    private void StopWork()
    {
        try
        {
            _work.Finish();
        }
        catch (Exception ex)
        {
            // Freeing after a GPU error often fails the same way; the first error is the one logged as the fault.
            Log.LoadStopFailed(_logger, ex, Name);
        }
    }
}
