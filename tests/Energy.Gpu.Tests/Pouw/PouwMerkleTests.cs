using System.Security.Cryptography;
using Energy.Gpu.Pouw;

namespace Energy.Gpu.Tests.Pouw;

public sealed class PouwMerkleTests
{
    [Fact]
    public void The_root_is_RFC_6962s_tree_hash_for_every_size()
    {
        var random = new Random(1);
        for (var rows = 1; rows <= 33; rows++)
        {
            var x = PouwFixtures.Operand(random, rows, 32, 8);
            var leaves = Enumerable.Range(0, rows).Select(i => PouwMerkle.Leaf(i, x.AsSpan(i * 32, 32))).ToArray();
            Assert.Equal(Mth(leaves), PouwMerkle.RootOf(x, rows, 32));
        }
    }

    [Fact]
    public void Every_opening_verifies_and_a_changed_row_index_path_or_root_does_not()
    {
        var random = new Random(2);
        foreach (var rows in new[] { 1, 2, 3, 5, 16, 17, 31 })
        {
            var x = PouwFixtures.Operand(random, rows, 64, 8);
            var tree = PouwMerkle.Build(x, rows, 64);
            for (var i = 0; i < rows; i++)
            {
                var row = x.AsSpan(i * 64, 64).ToArray();
                var path = tree.Opening(i);
                Assert.True(PouwMerkle.Verify(row, i, rows, path, tree.Root));

                var altered = (sbyte[])row.Clone();
                altered[3] ^= 4;
                Assert.False(PouwMerkle.Verify(altered, i, rows, path, tree.Root));
                Assert.False(PouwMerkle.Verify(row, rows, rows, path, tree.Root));
                if (rows > 1)
                {
                    Assert.False(PouwMerkle.Verify(row, (i + 1) % rows, rows, path, tree.Root));
                    var bent = path.Select(h => (byte[])h.Clone()).ToArray();
                    bent[0][0] ^= 1;
                    Assert.False(PouwMerkle.Verify(row, i, rows, bent, tree.Root));
                    Assert.False(PouwMerkle.Verify(row, i, rows, path[..^1], tree.Root));
                }

                Assert.False(PouwMerkle.Verify(row, i, rows, path, RandomNumberGenerator.GetBytes(32)));
            }
        }
    }

    [Fact]
    public void Verifying_a_tiles_rows_together_gives_the_row_by_row_verdict()
    {
        var random = new Random(3);
        foreach (var (rows, block) in new[] { (16, 16), (48, 16), (40, 8), (64, 32), (17, 1), (24, 8) })
        {
            var x = PouwFixtures.Operand(random, rows, 32, 8);
            var tree = PouwMerkle.Build(x, rows, 32);
            for (var first = 0; first + block <= rows; first += block)
            {
                var slice = x.AsSpan(first * 32, block * 32).ToArray();
                var openings = Enumerable.Range(first, block).Select(tree.Opening).ToArray();
                Assert.Equal(-1, PouwMerkle.VerifyRows(slice, first, block, 32, rows, openings, tree.Root));

                // A row changed, a sibling inside the block, one above it, a path cut short: the row that fails is named.
                var changed = (sbyte[])slice.Clone();
                changed[((block - 1) * 32) + 5] ^= 2;
                Assert.InRange(PouwMerkle.VerifyRows(changed, first, block, 32, rows, openings, tree.Root), first, first + block - 1);
                var bent = openings.Select(o => o.Select(h => (byte[])h.Clone()).ToArray()).ToArray();
                bent[block - 1][^1][0] ^= 1;
                Assert.NotEqual(-1, PouwMerkle.VerifyRows(slice, first, block, 32, rows, bent, tree.Root));
                var cut = openings.Select(o => o.Length > 0 ? o[..^1] : o).ToArray();
                Assert.NotEqual(-1, PouwMerkle.VerifyRows(slice, first, block, 32, rows, cut, tree.Root));
                Assert.NotEqual(-1, PouwMerkle.VerifyRows(slice, first, block, 32, rows, openings, RandomNumberGenerator.GetBytes(32)));
            }
        }
    }

    // RFC 6962 §2.1, written from the definition: MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n.
    private static byte[] Mth(ReadOnlySpan<byte[]> leaves)
    {
        if (leaves.Length == 1)
        {
            return leaves[0];
        }

        var k = 1;
        while (k * 2 < leaves.Length)
        {
            k *= 2;
        }

        return SHA256.HashData([0x01, .. Mth(leaves[..k]), .. Mth(leaves[k..])]);
    }
}
