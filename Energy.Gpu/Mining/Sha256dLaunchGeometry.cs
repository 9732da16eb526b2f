namespace Energy.Gpu.Mining;

/// <summary>
/// How a launch of <c>sha256d_search</c> spreads its nonces: each thread takes
/// <see cref="NoncesPerThread"/> consecutive nonces, so a launch of n nonces needs
/// ⌈n / (threads per block × nonces per thread)⌉ blocks; the last block may overhang the range.
/// </summary>
public readonly record struct Sha256dLaunchGeometry
{
    /// <summary>
    /// The most nonces one launch may cover. The kernel counts candidates in a 32-bit word, which
    /// cannot wrap below 2^32 nonces even when every nonce passes.
    /// </summary>
    public const long MaxLaunchNonces = 1L << 31;

    // CUDA's limit on threads per block (compute capability 2.0 and later).
    private const int MaxThreadsPerBlock = 1024;

    public Sha256dLaunchGeometry(int threadsPerBlock, int noncesPerThread)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerBlock, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threadsPerBlock, MaxThreadsPerBlock);
        ArgumentOutOfRangeException.ThrowIfLessThan(noncesPerThread, 1);
        ThreadsPerBlock = threadsPerBlock;
        NoncesPerThread = noncesPerThread;
    }

    /// <summary>256 threads, 4096 nonces each: a 2^30-nonce launch is 1024 blocks.</summary>
    public static Sha256dLaunchGeometry Default { get; } = new(256, 4096);

    public int ThreadsPerBlock { get; }

    public int NoncesPerThread { get; }

    public long NoncesPerBlock => (long)ThreadsPerBlock * NoncesPerThread;

    /// <summary>
    /// The geometry that covers nonceCount nonces in one wave of residentBlocks blocks (the SM count
    /// times cuOccupancyMaxActiveBlocksPerMultiprocessor), so no SM idles behind a partial last wave.
    /// </summary>
    public static Sha256dLaunchGeometry FillingOneWave(long nonceCount, int threadsPerBlock, int residentBlocks)
    {
        ThrowIfNotALaunch(nonceCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(threadsPerBlock, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(residentBlocks, 1);
        var noncesPerThread = DivideRoundingUp(nonceCount, (long)threadsPerBlock * residentBlocks);
        return new Sha256dLaunchGeometry(threadsPerBlock, checked((int)noncesPerThread));
    }

    /// <summary>The grid size (blocks) for a launch of nonceCount nonces.</summary>
    public int BlocksFor(long nonceCount)
    {
        ThrowIfNotALaunch(nonceCount);
        return checked((int)DivideRoundingUp(nonceCount, NoncesPerBlock));
    }

    private static void ThrowIfNotALaunch(long nonceCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nonceCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nonceCount, MaxLaunchNonces);
    }

    private static long DivideRoundingUp(long dividend, long divisor) => (dividend + divisor - 1) / divisor;
}
