namespace Energy.Gpu.Mining.Stratum;

/// <summary>The pool's answer to <c>mining.submit</c>; a rejection carries the pool's error code and reason (e.g. 23, "low difficulty share").</summary>
public sealed record StratumShareResult(bool Accepted, int? ErrorCode, string? Reason)
{
    public static StratumShareResult Accept { get; } = new(true, null, null);

    /// <summary>
    /// The share was not sent: its job no longer belongs to the pool connection (a reconnect or
    /// <c>clean_jobs</c> dropped it), so the pool would only reject it, or credit it to no one.
    /// </summary>
    public static StratumShareResult StaleJob { get; } = new(false, null, "stale job: dropped by clean_jobs or by a reconnect") { Stale = true };

    /// <summary>True when the client dropped the share as stale instead of submitting it.</summary>
    public bool Stale { get; init; }
}
