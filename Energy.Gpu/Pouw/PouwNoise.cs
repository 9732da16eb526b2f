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
    /// <remarks>
    /// With <paramref name="keepFactor"/> the seed's Q is kept (a few, up to 1 MB each) for the next call
    /// with the same seed: the weights' noise is fixed per job, so a verifier of a job's tickets makes it once.
    /// </remarks>
    public static bool TryApply(ReadOnlySpan<byte> seed, int firstRow, int count, int k, int rank, ReadOnlySpan<sbyte> source, Span<sbyte> target, bool subtract, out int badRow, bool keepFactor = false)
    {
        CheckShape(count, k, rank);
        Check(source, count * k, nameof(source));
        Check(target, count * k, nameof(target));
        var (l0, l1, q0, q1) = Keys(seed);
        var kept = keepFactor && rank * k <= KeptFactorMaxEntries ? KeptQ(seed, q0, q1, rank, k) : null;
        var q = kept ?? ArrayPool<sbyte>.Shared.Rent(rank * k);
        var noise = ArrayPool<sbyte>.Shared.Rent(k);
        try
        {
            if (kept is null)
            {
                FillQ(q0, q1, rank, k, q);
            }

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
            if (kept is null)
            {
                ArrayPool<sbyte>.Shared.Return(q);
            }
        }

        badRow = -1;
        return true;
    }

    private const int KeptFactorMaxEntries = 1 << 20;
    private const int KeptFactors = 8;
    private static readonly Lock KeptGate = new();
    private static readonly List<(byte[] Seed, int Rank, int K, sbyte[] Q)> Kept = [];

    private static sbyte[] KeptQ(ReadOnlySpan<byte> seed, uint q0, uint q1, int rank, int k)
    {
        lock (KeptGate)
        {
            foreach (var e in Kept)
            {
                if (e.Rank == rank && e.K == k && e.Seed.AsSpan().SequenceEqual(seed))
                {
                    return e.Q;
                }
            }
        }

        var q = new sbyte[rank * k];
        FillQ(q0, q1, rank, k, q);
        lock (KeptGate)
        {
            if (Kept.Count == KeptFactors)
            {
                Kept.RemoveAt(0);
            }

            Kept.Add((seed.ToArray(), rank, k, q));
        }

        return q;
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
        var words = packed.Length / 4;
        Span<uint> batch = stackalloc uint[8];
        var w = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Eight words at a time: mix32(mix32(index ^ q0) + q1), lane by lane the scalar Word.
            var lanes = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
            var key0 = Vector256.Create(q0);
            var key1 = Vector256.Create(q1);
            for (; w + 8 <= words; w += 8)
            {
                MixVector(MixVector((lanes + Vector256.Create((uint)w)) ^ key0) + key1).CopyTo(batch);
                for (var b = 0; b < 8; b++)
                {
                    Unpack(batch[b], table, packed.Slice(4 * (w + b), 4));
                }
            }
        }

        for (; w < words; w++)
        {
            Unpack(Word(q0, q1, (uint)w), table, packed.Slice(4 * w, 4));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Unpack(uint word, uint[] table, Span<uint> target)
    {
        target[0] = table[word & 0xff];
        target[1] = table[(word >> 8) & 0xff];
        target[2] = table[(word >> 16) & 0xff];
        target[3] = table[word >> 24];
    }

    private static Vector256<uint> MixVector(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16);
        x *= Vector256.Create(0x7feb352du);
        x ^= Vector256.ShiftRightLogical(x, 15);
        x *= Vector256.Create(0x846ca68bu);
        x ^= Vector256.ShiftRightLogical(x, 16);
        return x;
    }

    private static void AddScaled(Span<sbyte> n, ReadOnlySpan<sbyte> row, sbyte sign)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && row.Length >= n.Length)
        {
            const int Step = 32;
            ref var target = ref MemoryMarshal.GetReference(n);
            ref var source = ref MemoryMarshal.GetReference(row);
            var last = n.Length - Step;
            if (sign > 0)
            {
                for (; i <= last; i += Step)
                {
                    (Vector256.LoadUnsafe(ref target, (nuint)i) + Vector256.LoadUnsafe(ref source, (nuint)i)).StoreUnsafe(ref target, (nuint)i);
                }
            }
            else
            {
                for (; i <= last; i += Step)
                {
                    (Vector256.LoadUnsafe(ref target, (nuint)i) - Vector256.LoadUnsafe(ref source, (nuint)i)).StoreUnsafe(ref target, (nuint)i);
                }
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
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var low = Vector256.Create((short)min);
            var high = Vector256.Create((short)max);
            var bad = Vector256<short>.Zero;
            ref var xs = ref MemoryMarshal.GetReference(x);
            ref var ns = ref MemoryMarshal.GetReference(n);
            ref var ts = ref MemoryMarshal.GetReference(target);
            var count = Math.Min(x.Length, Math.Min(n.Length, target.Length));
            for (; i + 32 <= count; i += 32)
            {
                var (x0, x1) = Vector256.Widen(Vector256.LoadUnsafe(ref xs, (nuint)i));
                var (n0, n1) = Vector256.Widen(Vector256.LoadUnsafe(ref ns, (nuint)i));
                var (v0, v1) = subtract ? (x0 - n0, x1 - n1) : (x0 + n0, x1 + n1);
                bad |= Vector256.LessThan(v0, low) | Vector256.GreaterThan(v0, high) | Vector256.LessThan(v1, low) | Vector256.GreaterThan(v1, high);
                Vector256.Narrow(v0, v1).StoreUnsafe(ref ts, (nuint)i);
            }

            ok = bad == Vector256<short>.Zero;
        }

        for (; i < x.Length; i++)
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
