namespace Energy.Gpu.Mining;

/// <summary>
/// The merkle root a Stratum miner builds (mining.notify): start from the coinbase transaction's
/// SHA-256d and fold each branch hash in as root = SHA256d(root || branch). Hashes are internal order,
/// which is how Stratum sends the branch.
/// </summary>
public static class MerkleRoot
{
    public static byte[] FromCoinbase(ReadOnlySpan<byte> coinbaseTransaction, IReadOnlyList<byte[]> branch)
    {
        Span<byte> coinbaseHash = stackalloc byte[Sha256.DigestBytes];
        Sha256.HashTwice(coinbaseTransaction, coinbaseHash);
        return FromCoinbaseHash(coinbaseHash, branch);
    }

    public static byte[] FromCoinbaseHash(ReadOnlySpan<byte> coinbaseHash, IReadOnlyList<byte[]> branch)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(coinbaseHash.Length, Sha256.DigestBytes, nameof(coinbaseHash));
        ArgumentNullException.ThrowIfNull(branch);
        Span<byte> pair = stackalloc byte[2 * Sha256.DigestBytes];
        coinbaseHash.CopyTo(pair);
        foreach (var sibling in branch)
        {
            ArgumentNullException.ThrowIfNull(sibling, nameof(branch));
            ArgumentOutOfRangeException.ThrowIfNotEqual(sibling.Length, Sha256.DigestBytes, nameof(branch));
            sibling.CopyTo(pair[Sha256.DigestBytes..]);
            Sha256.HashTwice(pair, pair[..Sha256.DigestBytes]);
        }

        return pair[..Sha256.DigestBytes].ToArray();
    }
}
