namespace Energy.Gpu.Mining.Stratum;

public sealed record StratumClientOptions
{
    public required string WorkerName { get; init; }

    public string Password { get; init; } = "x";

    public string UserAgent { get; init; } = "heatgrid/1.0";

    /// <summary>Wait before the first reconnect; doubles per failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan InitialReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>For one connect attempt, name lookup included.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Silence after which the connection counts as dead and is replaced. Pools send a fresh
    /// <c>mining.notify</c> every 30–60 s even without a new block (to move nTime on), so two minutes
    /// without a line means the pool or the path to it is gone, whatever TCP believes.
    /// </summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The longest line accepted from the pool. A mining.notify is a few hundred bytes to a few KiB
    /// (coinbase parts and a merkle branch of ~12 hashes); a longer line is a protocol error, so a
    /// pool that never sends a line feed cannot make the client buffer without bound.
    /// </summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range, before any I/O.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(WorkerName, nameof(WorkerName));
        ArgumentNullException.ThrowIfNull(Password, nameof(Password));
        ArgumentNullException.ThrowIfNull(UserAgent, nameof(UserAgent));
        CheckPositive(InitialReconnectDelay, nameof(InitialReconnectDelay));
        CheckPositive(MaxReconnectDelay, nameof(MaxReconnectDelay));
        CheckPositive(ConnectTimeout, nameof(ConnectTimeout));
        CheckPositive(ReadTimeout, nameof(ReadTimeout));
        if (MaxReconnectDelay < InitialReconnectDelay)
        {
            throw new ArgumentException($"{nameof(MaxReconnectDelay)} ({MaxReconnectDelay}) is shorter than {nameof(InitialReconnectDelay)} ({InitialReconnectDelay}).", nameof(MaxReconnectDelay));
        }

        if (MaxLineBytes is < 1024 or > 16 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLineBytes), MaxLineBytes, $"{nameof(MaxLineBytes)} must be from 1 KiB to 16 MiB.");
        }
    }

    // Timers and CancelAfter take at most 2^32 − 2 ms; a day is far beyond any sensible wait here.
    private static void CheckPositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be more than zero and at most a day.");
        }
    }
}
