using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace Energy.Gpu.Pouw;

/// <summary>
/// One hash tile's transcript and lottery (docs/pouw.md, "Transcript and lottery"): the running partial
/// sums of the tile after every chunk of k, folded into one 32-bit digest per transcript point, and the
/// SHA-256 of the digests that wins when it is at or below the target.
/// </summary>
[SkipLocalsInit]
public static class PouwTranscript
{
    public const uint ElementStep = 0x9E3779B9u;
    public const uint PointStep = 0x85EBCA6Bu;

    /// <summary>tileWord = mix32(mix32(mix32(ti ^ T0) + tj) ^ T1), T0 and T1 the first words of ticketKey.</summary>
    public static uint TileWord(ReadOnlySpan<byte> ticketKey, int ti, int tj)
    {
        PouwHashing.Hash(ticketKey, nameof(ticketKey));
        var t0 = PouwHashing.Word(ticketKey, 0);
        var t1 = PouwHashing.Word(ticketKey, 1);
        return unchecked(PouwHashing.Mix32(PouwHashing.Mix32(PouwHashing.Mix32((uint)ti ^ t0) + (uint)tj) ^ t1));
    }

    /// <summary>
    /// D_1 … D_K of tile (ti, tj) from its rows of A' (TileH×K) and of W' (TileW×K), both noisy.
    /// </summary>
    public static void PointDigests(ReadOnlySpan<sbyte> aRows, ReadOnlySpan<sbyte> wRows, in PouwParameters p, ReadOnlySpan<byte> ticketKey, int ti, int tj, Span<uint> digests) =>
        PointDigests(aRows, wRows, p, ticketKey, ti, tj, digests, [], 0);

    /// <summary>
    /// <see cref="PointDigests(ReadOnlySpan{sbyte}, ReadOnlySpan{sbyte}, in PouwParameters, ReadOnlySpan{byte}, int, int, Span{uint})"/>,
    /// also writing the tile's final sums (its block of A'·W'ᵀ) into <paramref name="product"/> at
    /// row stride <paramref name="stride"/> when <paramref name="product"/> is not empty.
    /// </summary>
    public static void PointDigests(ReadOnlySpan<sbyte> aRows, ReadOnlySpan<sbyte> wRows, in PouwParameters p, ReadOnlySpan<byte> ticketKey, int ti, int tj, Span<uint> digests, Span<int> product, int stride)
    {
        var k = p.K;
        if (aRows.Length < p.TileH * k || wRows.Length < p.TileW * k)
        {
            throw new ArgumentException($"A tile needs {p.TileH}×{k} rows of A' and {p.TileW}×{k} of W'.");
        }

        var points = p.Points;
        if (digests.Length < points)
        {
            throw new ArgumentException($"{points} digests are needed.", nameof(digests));
        }

        var aLength = p.TileH * k;
        var wLength = p.TileW * k;
        var wide = ArrayPool<short>.Shared.Rent(aLength + wLength);
        try
        {
            var aWide = wide.AsSpan(0, aLength);
            var wWide = wide.AsSpan(aLength, wLength);
            Widen(aRows[..aLength], aWide);
            Widen(wRows[..wLength], wWide);
            PointDigestsWide(aWide, wWide, p, TileWord(ticketKey, ti, tj), digests, product, stride);
        }
        finally
        {
            ArrayPool<short>.Shared.Return(wide);
        }
    }

    /// <summary>The transcript of one tile from rows already sign-extended to int16 (the miner widens each operand once).</summary>
    internal static void PointDigestsWide(ReadOnlySpan<short> aWide, ReadOnlySpan<short> wWide, in PouwParameters p, uint tileWord, Span<uint> digests, Span<int> product, int stride)
    {
        var k = p.K;
        var points = p.Points;
        digests[..points].Clear();
        Span<int> partial = stackalloc int[4];
        for (var i = 0; i < p.TileH; i++)
        {
            var a = aWide.Slice(i * k, k);
            for (var j = 0; j < p.TileW; j += 4)
            {
                partial.Clear();
                for (var c = 1; c <= points; c++)
                {
                    var from = (c - 1) * p.Chunk;
                    Dot4(a.Slice(from, p.Chunk), wWide, (j * k) + from, k, p.Chunk, partial);
                    unchecked
                    {
                        var point = (uint)c * PointStep;
                        var e = (uint)((i * p.TileW) + j);
                        digests[c - 1] += PouwHashing.Mix32((uint)partial[0] ^ (tileWord + (e * ElementStep) + point))
                            + PouwHashing.Mix32((uint)partial[1] ^ (tileWord + ((e + 1) * ElementStep) + point))
                            + PouwHashing.Mix32((uint)partial[2] ^ (tileWord + ((e + 2) * ElementStep) + point))
                            + PouwHashing.Mix32((uint)partial[3] ^ (tileWord + ((e + 3) * ElementStep) + point));
                    }
                }

                if (!product.IsEmpty)
                {
                    partial.CopyTo(product.Slice((i * stride) + j, 4));
                }
            }
        }
    }

    internal static short[] Widen(ReadOnlySpan<sbyte> source)
    {
        var target = new short[source.Length];
        Widen(source, target);
        return target;
    }

    /// <summary>c (m×n, row-major) = a (m×k) · bᵀ (b n×k), exact: the same inner loop as the transcript's.</summary>
    internal static void Gemm(ReadOnlySpan<sbyte> a, int m, ReadOnlySpan<sbyte> b, int n, int k, Span<int> c)
    {
        var wide = ArrayPool<short>.Shared.Rent((m + n) * k);
        try
        {
            var aWide = wide.AsSpan(0, m * k);
            var bWide = wide.AsSpan(m * k, n * k);
            Widen(a[..(m * k)], aWide);
            Widen(b[..(n * k)], bWide);
            Span<int> partial = stackalloc int[4];
            for (var i = 0; i < m; i++)
            {
                var row = aWide.Slice(i * k, k);
                var j = 0;
                for (; j + 4 <= n; j += 4)
                {
                    partial.Clear();
                    Dot4(row, bWide, j * k, k, k, partial);
                    partial.CopyTo(c.Slice((i * n) + j, 4));
                }

                for (; j < n; j++)
                {
                    var sum = 0;
                    var other = bWide.Slice(j * k, k);
                    for (var l = 0; l < k; l++)
                    {
                        sum += row[l] * other[l];
                    }

                    c[(i * n) + j] = sum;
                }
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(wide);
        }
    }

    // Sign-extends int8 to int16 (the dot products then need no widening per step).
    private static void Widen(ReadOnlySpan<sbyte> source, Span<short> target)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var s = ref MemoryMarshal.GetReference(source);
            ref var t = ref MemoryMarshal.GetReference(target);
            var count = Math.Min(source.Length, target.Length);
            for (; i + 32 <= count; i += 32)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref s, (nuint)i));
                lower.StoreUnsafe(ref t, (nuint)i);
                upper.StoreUnsafe(ref t, (nuint)(i + 16));
            }
        }

        for (; i < source.Length; i++)
        {
            target[i] = source[i];
        }
    }

    // partial[q] += a · w[row j+q] over one chunk, for four rows of W' at once (a's loads shared).
    private static void Dot4(ReadOnlySpan<short> a, ReadOnlySpan<short> w, int offset, int stride, int length, Span<int> partial)
    {
        var w0 = w.Slice(offset, length);
        var w1 = w.Slice(offset + stride, length);
        var w2 = w.Slice(offset + (2 * stride), length);
        var w3 = w.Slice(offset + (3 * stride), length);
        var i = 0;
        if (Avx2.IsSupported && a.Length >= length)
        {
            Vector256<int> s0 = default, s1 = default, s2 = default, s3 = default;
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var r0 = ref MemoryMarshal.GetReference(w0);
            ref var r1 = ref MemoryMarshal.GetReference(w1);
            ref var r2 = ref MemoryMarshal.GetReference(w2);
            ref var r3 = ref MemoryMarshal.GetReference(w3);
            for (; i + 16 <= length; i += 16)
            {
                var x = Vector256.LoadUnsafe(ref ra, (nuint)i);
                s0 += Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref r0, (nuint)i));
                s1 += Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref r1, (nuint)i));
                s2 += Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref r2, (nuint)i));
                s3 += Avx2.MultiplyAddAdjacent(x, Vector256.LoadUnsafe(ref r3, (nuint)i));
            }

            partial[0] += Vector256.Sum(s0);
            partial[1] += Vector256.Sum(s1);
            partial[2] += Vector256.Sum(s2);
            partial[3] += Vector256.Sum(s3);
        }

        for (; i < length; i++)
        {
            partial[0] += a[i] * w0[i];
            partial[1] += a[i] * w1[i];
            partial[2] += a[i] * w2[i];
            partial[3] += a[i] * w3[i];
        }
    }

    /// <summary>tileHash = H("hgpouw/1 tile" ‖ ticketKey ‖ u32le(ti) ‖ u32le(tj) ‖ u32le(D_1) ‖ … ‖ u32le(D_K)).</summary>
    public static void TileHash(ReadOnlySpan<byte> ticketKey, int ti, int tj, ReadOnlySpan<uint> digests, Span<byte> hash)
    {
        PouwHashing.Hash(ticketKey, nameof(ticketKey));
        var length = PouwHashing.TileTag.Length + PouwHashing.HashBytes + 8 + (4 * digests.Length);
        Span<byte> buffer = length <= 4_352 ? stackalloc byte[length] : new byte[length];
        var at = PouwHashing.Put(buffer, 0, PouwHashing.TileTag);
        at = PouwHashing.Put(buffer, at, ticketKey);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[at..], (uint)ti);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[(at + 4)..], (uint)tj);
        at += 8;
        foreach (var d in digests)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer[at..], d);
            at += 4;
        }

        SHA256.HashData(buffer, hash);
    }

    /// <summary>True when the hash, read as a big-endian 256-bit number, is at or below the target (big-endian).</summary>
    public static bool MeetsTarget(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> target)
    {
        PouwHashing.Hash(hash, nameof(hash));
        PouwHashing.Hash(target, nameof(target));
        return hash.SequenceCompareTo(target) <= 0;
    }
}
