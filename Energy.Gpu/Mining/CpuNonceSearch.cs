using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Energy.Gpu.Mining;

/// <summary>
/// Searches a nonce range on one CPU thread the way the CUDA kernel will: the midstate once per
/// header, two compressions per nonce, a quick reject on the hash's top 32 bits, then the full
/// 256-bit comparison. Every hit is re-checked with the full double hash over the 80 header bytes.
/// </summary>
[SkipLocalsInit]
public sealed class CpuNonceSearch(TimeProvider timeProvider)
{
    /// <summary>The whole 32-bit nonce space.</summary>
    public const long FullRange = 1L << 32;

    // Cancellation and progress are checked between batches; one batch is a few milliseconds on a CPU.
    private const int BatchSize = 1 << 16;

    /// <summary>Searches nonces firstNonce … firstNonce + count − 1 (no wrap past 2^32 − 1).</summary>
    public NonceSearchResult Search(BlockHeader header, Target target, uint firstNonce, long count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, FullRange - firstNonce);

        var started = timeProvider.GetTimestamp();
        var midstate = Midstate.FromHeader(header);
        var found = new List<uint>();
        Span<uint> finalState = stackalloc uint[Sha256.StateWords];
        Span<byte> hash = stackalloc byte[Sha256.DigestBytes];
        var targetHigh = target.HighWord;
        var end = firstNonce + count;
        for (var batchStart = (long)firstNonce; batchStart < end; batchStart += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batchEnd = Math.Min(end, batchStart + BatchSize);
            for (var n = batchStart; n < batchEnd; n++)
            {
                var nonce = (uint)n;
                midstate.HashNonce(nonce, finalState);

                // Hash bytes 28..31 (the number's top 32 bits) are the last state word, byte-swapped.
                if (BinaryPrimitives.ReverseEndianness(finalState[7]) > targetHigh)
                {
                    continue;
                }

                Sha256.WriteDigest(finalState, hash);
                if (target.IsMetBy(hash))
                {
                    Verify(header, target, nonce);
                    found.Add(nonce);
                }
            }
        }

        return new NonceSearchResult(found, count, timeProvider.GetElapsedTime(started));
    }

    private static void Verify(BlockHeader header, Target target, uint nonce)
    {
        Span<byte> bytes = stackalloc byte[BlockHeader.Size];
        Span<byte> hash = stackalloc byte[Sha256.DigestBytes];
        header.WithNonce(nonce).WriteTo(bytes);
        Sha256.HashTwice(bytes, hash);
        if (!target.IsMetBy(hash))
        {
            throw new InvalidOperationException($"Nonce {nonce} met the target on the midstate path but not on the full double hash.");
        }
    }
}
