using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Energy.Gpu.Pouw;

/// <summary>
/// Merkle commitments to the rows of an operand (docs/pouw.md, "Merkle roots of operands"): RFC 6962's
/// tree over <c>leaf(i) = H(0x00 ‖ u32le(i) ‖ row i)</c> with <c>node(a, b) = H(0x01 ‖ a ‖ b)</c>; an
/// opening is the audit path, checked as RFC 9162 §2.1.3.2 says.
/// </summary>
public sealed class PouwMerkle
{
    private readonly List<byte[][]> _levels;

    private PouwMerkle(List<byte[][]> levels) => _levels = levels;

    /// <summary>Leaves (rows) of the tree.</summary>
    public int Count => _levels[0].Length;

    /// <summary>The root.</summary>
    public byte[] Root => _levels[^1][0];

    /// <summary>The tree over the rows of a rows×k int8 matrix.</summary>
    public static PouwMerkle Build(ReadOnlySpan<sbyte> matrix, int rows, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (matrix.Length < (long)rows * k)
        {
            throw new ArgumentException($"The matrix holds {matrix.Length} values, not {rows}×{k}.", nameof(matrix));
        }

        var leaves = new byte[rows][];
        for (var i = 0; i < rows; i++)
        {
            leaves[i] = Leaf(i, matrix.Slice(i * k, k));
        }

        var levels = new List<byte[][]> { leaves };
        while (levels[^1].Length > 1)
        {
            var below = levels[^1];
            var above = new byte[(below.Length + 1) / 2][];
            for (var i = 0; i < above.Length; i++)
            {
                above[i] = 2 * i + 1 < below.Length ? Node(below[2 * i], below[(2 * i) + 1]) : below[2 * i];
            }

            levels.Add(above);
        }

        return new PouwMerkle(levels);
    }

    /// <summary>The root of a rows×k matrix.</summary>
    public static byte[] RootOf(ReadOnlySpan<sbyte> matrix, int rows, int k) => Build(matrix, rows, k).Root;

    /// <summary>The audit path of leaf <paramref name="index"/>: siblings from the leaf upwards.</summary>
    public byte[][] Opening(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var path = new List<byte[]>();
        for (var level = 0; level < _levels.Count - 1; level++)
        {
            var sibling = index ^ 1;
            if (sibling < _levels[level].Length)
            {
                path.Add(_levels[level][sibling]);
            }

            index >>= 1;
        }

        return [.. path];
    }

    /// <summary>leaf(i) = H(0x00 ‖ u32le(i) ‖ row).</summary>
    public static byte[] Leaf(int index, ReadOnlySpan<sbyte> row)
    {
        var length = 5 + row.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            buffer[0] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(1), (uint)index);
            MemoryMarshal.AsBytes(row).CopyTo(buffer.AsSpan(5));
            return SHA256.HashData(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>node(a, b) = H(0x01 ‖ a ‖ b).</summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * PouwHashing.HashBytes)];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + PouwHashing.HashBytes)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>True when <paramref name="row"/> is leaf <paramref name="index"/> of a tree of <paramref name="count"/> leaves with this root (RFC 9162 §2.1.3.2).</summary>
    public static bool Verify(ReadOnlySpan<sbyte> row, int index, int count, IReadOnlyList<byte[]> path, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (index < 0 || index >= count || root.Length != PouwHashing.HashBytes)
        {
            return false;
        }

        var fn = (uint)index;
        var sn = (uint)(count - 1);
        var r = Leaf(index, row);
        foreach (var p in path)
        {
            if (p is null || p.Length != PouwHashing.HashBytes || sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = Node(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = Node(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }
}
