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

    /// <summary>
    /// Verifies the openings of <paramref name="count"/> consecutive rows from <paramref name="firstRow"/>
    /// (rows of k values each). Where the rows are an aligned block of a power of two (a hash tile's rows),
    /// their subtree is built once and the path above it checked once: the same verdict as
    /// <see cref="Verify"/> row by row, at a third of the hashing. Returns the first row that fails, or −1.
    /// </summary>
    public static int VerifyRows(ReadOnlySpan<sbyte> rows, int firstRow, int count, int k, int leaves, IReadOnlyList<IReadOnlyList<byte[]>> openings, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(openings);
        if (count < 1 || openings.Count < count || rows.Length < count * k)
        {
            return firstRow;
        }

        var levels = System.Numerics.BitOperations.Log2((uint)count);
        if ((1 << levels) != count || firstRow % count != 0 || firstRow < 0 || firstRow + count > leaves)
        {
            for (var i = 0; i < count; i++)
            {
                if (!Verify(rows.Slice(i * k, k), firstRow + i, leaves, [.. openings[i]], root))
                {
                    return firstRow + i;
                }
            }

            return -1;
        }

        // The block's subtree, level by level (no promotions inside a full aligned block).
        var nodes = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            nodes[i] = Leaf(firstRow + i, rows.Slice(i * k, k));
        }

        var tree = new List<byte[][]> { nodes };
        while (tree[^1].Length > 1)
        {
            var below = tree[^1];
            var above = new byte[below.Length / 2][];
            for (var i = 0; i < above.Length; i++)
            {
                above[i] = Node(below[2 * i], below[(2 * i) + 1]);
            }

            tree.Add(above);
        }

        var suffix = openings[0];
        if (suffix is null || suffix.Count < levels)
        {
            return firstRow;
        }

        for (var i = 0; i < count; i++)
        {
            var path = openings[i];
            if (path is null || path.Count != suffix.Count)
            {
                return firstRow + i;
            }

            var index = i;
            for (var level = 0; level < levels; level++, index >>= 1)
            {
                if (path[level] is not { } sibling || !sibling.AsSpan().SequenceEqual(tree[level][index ^ 1]))
                {
                    return firstRow + i;
                }
            }

            for (var s = levels; s < path.Count; s++)
            {
                if (path[s] is not { } above || suffix[s] is not { } first || !above.AsSpan().SequenceEqual(first))
                {
                    return firstRow + i;
                }
            }
        }

        var blocks = ((leaves - 1) / count) + 1;
        return VerifyNode(tree[^1][0], firstRow / count, blocks, suffix, levels, root) ? -1 : firstRow;
    }

    /// <summary>True when <paramref name="row"/> is leaf <paramref name="index"/> of a tree of <paramref name="count"/> leaves with this root (RFC 9162 §2.1.3.2).</summary>
    public static bool Verify(ReadOnlySpan<sbyte> row, int index, int count, IReadOnlyList<byte[]> path, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (index < 0 || index >= count || root.Length != PouwHashing.HashBytes)
        {
            return false;
        }

        return VerifyNode(Leaf(index, row), index, count, path, 0, root);
    }

    // RFC 9162 §2.1.3.2 from a node at index of a level of count nodes, with the path from entry skip on.
    private static bool VerifyNode(byte[] node, int index, int count, IReadOnlyList<byte[]> path, int skip, ReadOnlySpan<byte> root)
    {
        var fn = (uint)index;
        var sn = (uint)(count - 1);
        var r = node;
        for (var s = skip; s < path.Count; s++)
        {
            var p = path[s];
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
