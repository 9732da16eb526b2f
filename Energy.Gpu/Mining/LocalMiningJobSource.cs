namespace Energy.Gpu.Mining;

/// <summary>
/// One fixed job whose shares are counted, not sent anywhere: the bench's work, and what a mining
/// load hashes on a host with no pool configured (the GPU still turns power into heat). Keeps the
/// latest <see cref="KeptShares"/> shares.
/// </summary>
public sealed class LocalMiningJobSource(MiningJob job) : IMiningJobSource
{
    /// <summary>Share target of <see cref="Genesis"/>: top 32 bits ≤ 3, about one share per 2^30 hashes.</summary>
    public const uint GenesisShareHighWord = 3;

    public const int KeptShares = 256;

    private readonly Lock _lock = new();
    private readonly Queue<BlockHeader> _latest = new();
    private long _count;

    /// <summary>The genesis header with an easy share target: several shares a second on a datacenter GPU.</summary>
    public static LocalMiningJobSource Genesis() => new(new MiningJob("genesis", GenesisBlock.Header(), Target.FromHighWord(GenesisShareHighWord)));

    public MiningJob? Current => job;

    public long ShareCount => Interlocked.Read(ref _count);

    /// <summary>The latest shares, oldest first.</summary>
    public IReadOnlyList<BlockHeader> LatestShares
    {
        get
        {
            lock (_lock)
            {
                return [.. _latest];
            }
        }
    }

    public void Submit(MiningJob job, BlockHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        lock (_lock)
        {
            if (_latest.Count == KeptShares)
            {
                _latest.Dequeue();
            }

            _latest.Enqueue(header);
            _count++;
        }
    }
}
