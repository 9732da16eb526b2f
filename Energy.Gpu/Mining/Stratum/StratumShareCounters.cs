namespace Energy.Gpu.Mining.Stratum;

/// <summary>
/// Shares a <see cref="StratumClient"/> handled since it was created, for status pages.
/// <see cref="Accepted"/> + <see cref="Rejected"/> ≤ <see cref="Submitted"/>: the difference awaits
/// its verdict or lost it with its connection. <see cref="Stale"/> shares were never submitted.
/// </summary>
public readonly record struct StratumShareCounters(long Submitted, long Accepted, long Rejected, long Stale);
