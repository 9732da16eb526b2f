using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Energy.Gpu.Pouw;

/// <summary>
/// The seeded rank-r noise of docs/pouw.md, "Seeds and noise": <c>N = L·Q</c> with L (rows×r) and
/// Q (r×k) ternary, each entry two bits of a <c>mix32</c> word keyed by the seed. Rows are independent
/// (row i needs only row i of L and all of Q), so a verifier makes the noise of the tile's rows only.
/// </summary>
public static class PouwNoise
{
    // For each byte v of a noise word: its four entries ((v >> 2b) & 1) − ((v >> 2b+1) & 1), packed as four sbytes.
    private static readonly uint[] ByteEntries = BuildByteEntries();

    /// <summary>Entry number <paramref name="flatIndex"/> of a factor keyed by (key0, key1).</summary>
    public static sbyte Entry(uint key0, uint key1, int flatIndex)
    {
        var word = Word(key0, key1, (uint)flatIndex >> 4);
        var b = 2 * (flatIndex & 15);
        return (sbyte)((int)((word >> b) & 1) - (int)((word >> (b + 1)) & 1));
    }

    /// <summary>Both factors in full: L (rows×rank, row-major) and Q (rank×k, row-major).</summary>
    public static void Factors(ReadOnlySpan<byte> seed, int rows, int k, int rank, Span<sbyte> left, Span<sbyte> right)
    {
        CheckShape(rows, k, rank);
        Check(left, rows * rank, nameof(left));
        Check(right, rank * k, nameof(right));
        var (l0, l1, q0, q1) = Keys(seed);
        for (var f = 0; f < rows * rank; f++)
        {
            left[f] = Entry(l0, l1, f);
        }

        FillQ(q0, q1, rank, k, right);
    }

    /// <summary>X' = X + L·Q for all rows of a rows×k matrix.</summary>
    public static void Add(ReadOnlySpan<byte> seed, ReadOnlySpan<sbyte> x, int rows, int k, int rank, Span<sbyte> noisy)
    {
        if (!TryApply(seed, 0, rows, k, rank, x, noisy, subtract: false, out var row))
        {
            throw new ArgumentException($"Row {row} of the operand is outside the range the rank-{rank} noise leaves (−{128 - rank}..{127 - rank}).", nameof(x));
        }
    }

    /// <summary>
    /// Adds (or, with <paramref name="subtract"/>, removes) the noise of rows firstRow … firstRow+count−1
    /// to <paramref name="source"/> (count×k) into <paramref name="target"/>. False, with the offending
    /// row's index, when a result leaves int8 (adding) or the operand bound (removing).
    /// </summary>
    public static bool TryApply(ReadOnlySpan<byte> seed, int firstRow, int count, int k, int rank, ReadOnlySpan<sbyte> source, Span<sbyte> target, bool subtract, out int badRow)
    {
        CheckShape(count, k, rank);
        Check(source, count * k, nameof(source));
        Check(target, count * k, nameof(target));
        var (l0, l1, q0, q1) = Keys(seed);
        var q = ArrayPool<sbyte>.Shared.Rent(rank * k);
        var noise = ArrayPool<sbyte>.Shared.Rent(k);
        try
        {
            FillQ(q0, q1, rank, k, q);
            var (min, max) = subtract ? (-(128 - rank), 127 - rank) : (sbyte.MinValue, sbyte.MaxValue);
            for (var i = 0; i < count; i++)
            {
                var n = noise.AsSpan(0, k);
                n.Clear();
                var global = firstRow + i;
                for (var t = 0; t < rank; t++)
                {
                    var e = Entry(l0, l1, (global * rank) + t);
                    if (e != 0)
                    {
                        AddScaled(n, q.AsSpan(t * k, k), e);
                    }
                }

                if (!Combine(source.Slice(i * k, k), n, target.Slice(i * k, k), subtract, min, max))
                {
                    badRow = global;
                    return false;
                }
            }
        }
        finally
        {
            ArrayPool<sbyte>.Shared.Return(noise);
            ArrayPool<sbyte>.Shared.Return(q);
        }

        badRow = -1;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Word(uint key0, uint key1, uint wordIndex) => unchecked(PouwHashing.Mix32(PouwHashing.Mix32(wordIndex ^ key0) + key1));

    internal static (uint L0, uint L1, uint Q0, uint Q1) Keys(ReadOnlySpan<byte> seed)
    {
        PouwHashing.Hash(seed, nameof(seed));
        return (PouwHashing.Word(seed, 0), PouwHashing.Word(seed, 1), PouwHashing.Word(seed, 2), PouwHashing.Word(seed, 3));
    }

    // Q row t starts at entry t·k, a multiple of 32: every word holds 16 entries of one row.
    private static void FillQ(uint q0, uint q1, int rank, int k, Span<sbyte> q)
    {
        var packed = MemoryMarshal.Cast<sbyte, uint>(q[..(rank * k)]);
        var table = ByteEntries;
        for (var w = 0; w < packed.Length / 4; w++)
        {
            var word = Word(q0, q1, (uint)w);
            packed[4 * w] = table[word & 0xff];
            packed[(4 * w) + 1] = table[(word >> 8) & 0xff];
            packed[(4 * w) + 2] = table[(word >> 16) & 0xff];
            packed[(4 * w) + 3] = table[word >> 24];
        }
    }

    private static void AddScaled(Span<sbyte> n, ReadOnlySpan<sbyte> row, sbyte sign)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<sbyte>.Count <= n.Length; i += Vector256<sbyte>.Count)
            {
                var a = Vector256.Create(n.Slice(i, Vector256<sbyte>.Count));
                var b = Vector256.Create(row.Slice(i, Vector256<sbyte>.Count));
                (sign > 0 ? a + b : a - b).CopyTo(n[i..]);
            }
        }

        for (; i < n.Length; i++)
        {
            n[i] = (sbyte)(n[i] + (sign * row[i]));
        }
    }

    private static bool Combine(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> n, Span<sbyte> target, bool subtract, int min, int max)
    {
        var ok = true;
        for (var i = 0; i < x.Length; i++)
        {
            var v = subtract ? x[i] - n[i] : x[i] + n[i];
            ok &= v >= min && v <= max;
            target[i] = unchecked((sbyte)v);
        }

        return ok;
    }

    private static uint[] BuildByteEntries()
    {
        var table = new uint[256];
        for (var v = 0; v < 256; v++)
        {
            uint packed = 0;
            for (var b = 0; b < 4; b++)
            {
                var e = ((v >> (2 * b)) & 1) - ((v >> ((2 * b) + 1)) & 1);
                packed |= unchecked((uint)(byte)(sbyte)e) << (8 * b);
            }

            table[v] = packed;
        }

        return table;
    }

    private static void CheckShape(int rows, int k, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 0);
        if (k < PouwParameters.KStep || k % PouwParameters.KStep != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "k must be a positive multiple of 32.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rank, PouwParameters.MaxRank);
    }

    private static void Check<T>(ReadOnlySpan<T> span, int length, string name)
    {
        if (span.Length < length)
        {
            throw new ArgumentException($"{name} holds {span.Length} values; {length} are needed.", name);
        }
    }

    private static void Check<T>(Span<T> span, int length, string name) => Check((ReadOnlySpan<T>)span, length, name);
}
