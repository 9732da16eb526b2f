using Energy.Gpu.Mining;
using Crypto = System.Security.Cryptography;

namespace Energy.Gpu.Tests.Mining;

public class MerkleRootTests
{
    private static byte[] DoubleSha(byte[] left, byte[] right) =>
        Crypto.SHA256.HashData(Crypto.SHA256.HashData([.. left, .. right]));

    private static byte[] Leaf(int seed)
    {
        var bytes = new byte[32];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void FromCoinbaseHash_TwoLevelBranch_FoldsLeftToRight()
    {
        var coinbase = Leaf(0);
        byte[][] branch = [Leaf(1), Leaf(2)];

        var root = MerkleRoot.FromCoinbaseHash(coinbase, branch);

        Assert.Equal(DoubleSha(DoubleSha(coinbase, branch[0]), branch[1]), root);
    }

    [Fact]
    public void FromCoinbase_ThreeLevelBranch_HashesCoinbaseThenFolds()
    {
        var coinbaseTransaction = new byte[150];
        new Random(3).NextBytes(coinbaseTransaction);
        byte[][] branch = [Leaf(1), Leaf(2), Leaf(3)];
        var coinbaseHash = Crypto.SHA256.HashData(Crypto.SHA256.HashData(coinbaseTransaction));

        var root = MerkleRoot.FromCoinbase(coinbaseTransaction, branch);

        Assert.Equal(DoubleSha(DoubleSha(DoubleSha(coinbaseHash, branch[0]), branch[1]), branch[2]), root);
    }

    [Fact]
    public void FromCoinbaseHash_EmptyBranch_RootIsCoinbaseHash()
    {
        var coinbase = Leaf(9);

        Assert.Equal(coinbase, MerkleRoot.FromCoinbaseHash(coinbase, []));
    }

    [Fact]
    public void FromCoinbaseHash_GenesisSingleTransaction_RootIsGenesisMerkleRoot()
    {
        var genesis = NBitcoin.Network.Main.GetGenesis();
        var coinbaseHash = genesis.Transactions[0].GetHash().ToBytes();

        var root = MerkleRoot.FromCoinbaseHash(coinbaseHash, []);

        Assert.Equal(KnownBlocks.Genesis().MerkleRoot.ToArray(), root);
    }
}
