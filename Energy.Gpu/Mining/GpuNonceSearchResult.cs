namespace Energy.Gpu.Mining;

/// <summary>
/// What a <see cref="GpuNonceSearch"/> found. <see cref="Shares"/> holds only nonces whose full
/// double hash met the target on the CPU; every other candidate is in <see cref="Rejected"/>.
/// </summary>
public sealed record GpuNonceSearchResult(
    IReadOnlyList<uint> Shares,
    long Candidates,
    long Rejected,
    long InvalidCandidates,
    int Launches,
    int OverflowedLaunches,
    long HashesTried,
    TimeSpan Elapsed)
{
    public int SharesFound => Shares.Count;

    public double HashesPerSecond => Elapsed > TimeSpan.Zero ? HashesTried / Elapsed.TotalSeconds : 0;
}
