using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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

    /// <summary>mix32 (see <see cref="PouwHashing.Mix32"/>).</summary>
    public static uint Mix32(uint x) => PouwHashing.Mix32(x);

    /// <summary>tileWord = mix32(mix32(mix32(ti ^ T0) + tj) ^ T1), T0 and T1 the first words of ticketKey.</summary>
    public static uint TileWord(ReadOnlySpan<byte> ticketKey, int ti, int tj)
    {
        PouwHashing.Hash(ticketKey, nameof(ticketKey));
        var t0 = PouwHashing.Word(ticketKey, 0);
        var t1 = PouwHashing.Word(ticketKey, 1);
        return unchecked(Mix32(Mix32(Mix32((uint)ti ^ t0) + (uint)tj) ^ t1));
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

        var tileWord = TileWord(ticketKey, ti, tj);
        digests[..points].Clear();
        for (var i = 0; i < p.TileH; i++)
        {
            var a = aRows.Slice(i * k, k);
            for (var j = 0; j < p.TileW; j++)
            {
                var w = wRows.Slice(j * k, k);
                var e = (uint)((i * p.TileW) + j);
                var key = unchecked(tileWord + (e * ElementStep));
                var partial = 0;
                for (var c = 1; c <= points; c++)
                {
                    var from = (c - 1) * p.Chunk;
                    partial += Dot(a.Slice(from, p.Chunk), w.Slice(from, p.Chunk));
                    unchecked
                    {
                        digests[c - 1] += Mix32((uint)partial ^ (key + ((uint)c * PointStep)));
                    }
                }

                if (!product.IsEmpty)
                {
                    product[(i * stride) + j] = partial;
                }
            }
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

    /// <summary>The exact int32 dot product of two int8 vectors of equal length.</summary>
    public static int Dot(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> y)
    {
        var i = 0;
        var sum = 0;
        if (Avx2.IsSupported && x.Length >= 32)
        {
            var acc = Vector256<int>.Zero;
            for (; i + 32 <= x.Length; i += 32)
            {
                var (xl, xh) = Vector256.Widen(Vector256.Create(x.Slice(i, 32)));
                var (yl, yh) = Vector256.Widen(Vector256.Create(y.Slice(i, 32)));
                acc += Avx2.MultiplyAddAdjacent(xl, yl) + Avx2.MultiplyAddAdjacent(xh, yh);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }
}
