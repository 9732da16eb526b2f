namespace Energy.Gpu.Mining.Stratum;

/// <summary>Builds the 80-byte header a miner hashes from a Stratum job and its own extranonce2.</summary>
public static class StratumHeaderBuilder
{
    /// <summary>Coinbase = coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2; its double SHA-256 folded with the branch is the merkle root.</summary>
    public static BlockHeader Build(StratumJob job, ReadOnlySpan<byte> extranonce1, ReadOnlySpan<byte> extranonce2, uint? time = null, uint nonce = 0)
    {
        ArgumentNullException.ThrowIfNull(job);
        var coinbase = new byte[job.Coinbase1.Length + extranonce1.Length + extranonce2.Length + job.Coinbase2.Length];
        var span = coinbase.AsSpan();
        job.Coinbase1.CopyTo(span);
        span = span[job.Coinbase1.Length..];
        extranonce1.CopyTo(span);
        span = span[extranonce1.Length..];
        extranonce2.CopyTo(span);
        job.Coinbase2.CopyTo(span[extranonce2.Length..]);
        var merkleRoot = MerkleRoot.FromCoinbase(coinbase, job.MerkleBranch);
        return new BlockHeader(job.Version, job.PreviousBlockHash, merkleRoot, time ?? job.Time, job.Bits, nonce);
    }
}
