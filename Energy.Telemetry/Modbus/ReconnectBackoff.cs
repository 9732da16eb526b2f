namespace Energy.Telemetry.Modbus;

/// <summary>
/// Capped exponential backoff between connection attempts: the first failure waits the initial
/// delay, each further one twice as long up to the cap, and a good reply starts over. Time is
/// measured with the injected <see cref="TimeProvider"/>, so tests drive it by advancing a fake clock.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, TimeProvider time)
{
    private TimeSpan _next;
    private TimeSpan _current;
    private long _failedAt;

    /// <summary>Failures since the last success.</summary>
    public int Failures { get; private set; }

    /// <summary>What the last failure was, for "unreachable (…)" messages.</summary>
    public string LastFailure { get; private set; } = "";

    /// <summary>How long the next attempt must still wait; zero when it may go now.</summary>
    public TimeSpan Remaining
    {
        get
        {
            if (Failures == 0)
            {
                return TimeSpan.Zero;
            }

            var left = _current - time.GetElapsedTime(_failedAt);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Records a failure; returns the wait before the next attempt.</summary>
    public TimeSpan Fail(string reason)
    {
        _current = Failures == 0 ? initial : _next;
        _failedAt = time.GetTimestamp();
        _next = _current > max / 2 ? max : _current * 2;
        Failures++;
        LastFailure = reason;
        return _current;
    }

    public void Reset() => Failures = 0;

    /// <summary>Whole milliseconds, rounded up so that "in 0 ms" is never said of a wait still running.</summary>
    public static long Milliseconds(TimeSpan span) => (long)Math.Ceiling(span.TotalMilliseconds);
}
