namespace Energy.Gpu.Mining.Stratum;

/// <summary>The pool's answer to <c>mining.submit</c>; a rejection carries the pool's error code and reason (e.g. 23, "low difficulty share").</summary>
public sealed record StratumShareResult(bool Accepted, int? ErrorCode, string? Reason)
{
    public static StratumShareResult Accept { get; } = new(true, null, null);
}
