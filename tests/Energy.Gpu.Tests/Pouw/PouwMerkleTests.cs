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
