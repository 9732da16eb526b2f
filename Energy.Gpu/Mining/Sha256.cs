using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Energy.Gpu.Mining;

/// <summary>
/// SHA-256 (FIPS 180-4) as a bare compression function over spans, so the midstate path and the
/// CUDA kernel share one definition. Allocation-free: scratch lives on the stack.
/// </summary>
[SkipLocalsInit]
public static class Sha256
{
    public const int BlockBytes = 64;
    public const int DigestBytes = 32;
    public const int StateWords = 8;
    public const int BlockWords = 16;

    // FIPS 180-4 §4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes.
    // Internal for the kernel's host-side precomputation (Sha256dKernelParameters).
    internal static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    // FIPS 180-4 §5.3.3: first 32 bits of the fractional parts of the square roots of the first 8 primes.
    private static ReadOnlySpan<uint> InitialHash =>
    [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];

    public static void Initialize(Span<uint> state) => InitialHash.CopyTo(state[..StateWords]);

    /// <summary>One compression (FIPS 180-4 §6.2.2) of a 64-byte block; words are big-endian (§3.1).</summary>
    public static void Compress(Span<uint> state, ReadOnlySpan<byte> block)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(block.Length, BlockBytes, nameof(block));
        Span<uint> words = stackalloc uint[BlockWords];
        for (var t = 0; t < BlockWords; t++)
        {
            words[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
        }

        Compress(state, words);
    }

    /// <summary>One compression of a block already split into 16 message words (what the kernel holds).</summary>
    public static void Compress(Span<uint> state, ReadOnlySpan<uint> message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(state.Length, StateWords, nameof(state));
        ArgumentOutOfRangeException.ThrowIfLessThan(message.Length, BlockWords, nameof(message));
        Span<uint> w = stackalloc uint[64];
        message[..BlockWords].CopyTo(w);
        var k = K;
        unchecked
        {
            // §6.2.2 step 1: message schedule with σ0 = ROTR7 ^ ROTR18 ^ SHR3, σ1 = ROTR17 ^ ROTR19 ^ SHR10.
            for (var t = 16; t < 64; t++)
            {
                uint w15 = w[t - 15], w2 = w[t - 2];
                var s0 = BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3);
                var s1 = BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10);
                w[t] = w[t - 16] + s0 + w[t - 7] + s1;
            }

            uint a = state[0], b = state[1], c = state[2], d = state[3];
            uint e = state[4], f = state[5], g = state[6], h = state[7];
            for (var t = 0; t < 64; t++)
            {
                // §4.1.2: Σ1, Ch, Σ0, Maj.
                var bigS1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
                var ch = (e & f) ^ (~e & g);
                var t1 = h + bigS1 + ch + k[t] + w[t];
                var bigS0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
                var maj = (a & b) ^ (a & c) ^ (b & c);
                var t2 = bigS0 + maj;
                h = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
            }

            state[0] += a;
            state[1] += b;
            state[2] += c;
            state[3] += d;
            state[4] += e;
            state[5] += f;
            state[6] += g;
            state[7] += h;
        }
    }

    /// <summary>The digest is the state words written big-endian (FIPS 180-4 §6.2.2 step 4).</summary>
    public static void WriteDigest(ReadOnlySpan<uint> state, Span<byte> digest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digest.Length, DigestBytes, nameof(digest));
        for (var i = 0; i < StateWords; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest[(4 * i)..], state[i]);
        }
    }

    /// <summary>SHA-256 of a whole message, padded per FIPS 180-4 §5.1.1.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        Span<uint> state = stackalloc uint[StateWords];
        Initialize(state);
        var fullBlocks = data.Length / BlockBytes;
        for (var i = 0; i < fullBlocks; i++)
        {
            Compress(state, data.Slice(i * BlockBytes, BlockBytes));
        }

        // §5.1.1: append 0x80, zeros, and the bit length as a 64-bit big-endian integer.
        var rest = data[(fullBlocks * BlockBytes)..];
        Span<byte> tail = stackalloc byte[2 * BlockBytes];
        tail.Clear();
        rest.CopyTo(tail);
        tail[rest.Length] = 0x80;
        var tailLength = rest.Length + 1 + 8 <= BlockBytes ? BlockBytes : 2 * BlockBytes;
        BinaryPrimitives.WriteUInt64BigEndian(tail[(tailLength - 8)..], (ulong)data.Length * 8);
        for (var offset = 0; offset < tailLength; offset += BlockBytes)
        {
            Compress(state, tail.Slice(offset, BlockBytes));
        }

        WriteDigest(state, digest);
    }

    /// <summary>SHA-256d = SHA256(SHA256(data)), Bitcoin's block and transaction hash.</summary>
    public static void HashTwice(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        Span<byte> first = stackalloc byte[DigestBytes];
        Hash(data, first);
        Hash(first, digest);
    }
}
