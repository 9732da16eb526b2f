namespace Energy.Telemetry.Mqtt;

/// <summary>
/// The wait before the next connection attempt: the initial delay after the first failure, twice as
/// long after each further one up to the cap, and the cap at once after a refusal (bad credentials do
/// not fix themselves in 500 ms, and hammering a broker with them may get the client banned).
/// </summary>
internal sealed class MqttBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private TimeSpan _next;

    public MqttBackoff(TimeSpan initial, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        _initial = initial;
        _max = max;
        _next = initial;
    }

    /// <summary>Failed attempts since the last success.</summary>
    public int Failures { get; private set; }

    /// <summary>Records a failed attempt; returns how long to wait before the next one.</summary>
    public TimeSpan Fail(bool refused)
    {
        Failures++;
        if (refused)
        {
            return _max;
        }

        var wait = _next;
        _next = wait > _max / 2 ? _max : wait * 2;
        return wait;
    }

    /// <summary>A connection was established: the next loss starts from the initial delay again.</summary>
    public void Reset()
    {
        Failures = 0;
        _next = _initial;
    }
}
