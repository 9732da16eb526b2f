using Energy.Gpu.Mining;
using NB = NBitcoin;

namespace Energy.Gpu.Tests.Mining;

public class BlockHeaderTests
{
    [Fact]
    public void ToBytes_Genesis_EqualsNBitcoinGenesisHeader()
    {
        var reference = NB.Network.Main.GetGenesis().Header;

        var bytes = KnownBlocks.Genesis().ToBytes();

        Assert.Equal(NB.BitcoinSerializableExtensions.ToBytes(reference), bytes);
    }

    [Fact]
    public void ComputeDisplayHash_Genesis_IsTheGenesisHash()
    {
        var header = KnownBlocks.Genesis();

        Assert.Equal(KnownBlocks.GenesisHash, header.ComputeDisplayHash());
        Assert.Equal(KnownBlocks.GenesisHash, NB.Network.Main.GetGenesis().Header.GetHash().ToString());
    }

    [Fact]
    public void ToBytes_Block125552_NBitcoinParsesSameFieldsAndHash()
    {
        var header = KnownBlocks.Block125552();

        var reference = NB.BlockHeader.Parse(Convert.ToHexStringLower(header.ToBytes()), NB.Network.Main);

        Assert.Equal(1, reference.Version);
        Assert.Equal("00000000000008a3a41b85b8b29ad444def299fee21793cd8b9e567eab02cd81", reference.HashPrevBlock.ToString());
        Assert.Equal("2b12fcf1b09288fcaff797d71e950e71ae42b91e8bdb2304758dfcffc2b620e3", reference.HashMerkleRoot.ToString());
        Assert.Equal(1305998791, reference.BlockTime.ToUnixTimeSeconds());
        Assert.Equal(0x1a44b9f2u, reference.Bits.ToCompact());
        Assert.Equal(KnownBlocks.Block125552Nonce, reference.Nonce);
        Assert.Equal(KnownBlocks.Block125552Hash, reference.GetHash().ToString());
    }

    [Fact]
    public void ComputeDisplayHash_Block125552_IsTheBlockHash()
    {
        Assert.Equal(KnownBlocks.Block125552Hash, KnownBlocks.Block125552().ComputeDisplayHash());
    }

    [Fact]
    public void Parse_SerializedHeader_RoundTripsEveryField()
    {
        var original = KnownBlocks.Block125552();

        var parsed = BlockHeader.Parse(original.ToBytes());

        Assert.Equal(original.ToBytes(), parsed.ToBytes());
        Assert.Equal((1u, 1305998791u, 440711666u, KnownBlocks.Block125552Nonce), (parsed.Version, parsed.Time, parsed.Bits, parsed.Nonce));
        Assert.Equal(original.MerkleRoot.ToArray(), parsed.MerkleRoot.ToArray());
    }

    [Fact]
    public void Parse_WrongLength_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockHeader.Parse(new byte[79]));
    }
}
