using Energy.Gpu.Mining;

namespace Energy.Gpu.Tests.Mining;

public class MidstateTests
{
    [Fact]
    public void HashNonce_RandomNonces_EqualsFullDoubleHash()
    {
        var header = KnownBlocks.Block125552();
        var midstate = Midstate.FromHeader(header);
        var random = new Random(125552);
        Span<byte> viaMidstate = stackalloc byte[Sha256.DigestBytes];
        Span<byte> full = stackalloc byte[Sha256.DigestBytes];
        for (var i = 0; i < 200; i++)
        {
            var nonce = (uint)random.NextInt64(0, 1L << 32);

            midstate.HashNonce(nonce, viaMidstate);
            header.WithNonce(nonce).ComputeHash(full);

            Assert.Equal(full.ToArray(), viaMidstate.ToArray());
        }
    }

    [Fact]
    public void HashNonce_RandomHeaders_EqualsSystemDoubleSha256()
    {
        var random = new Random(80);
        var bytes = new byte[BlockHeader.Size];
        Span<byte> hash = stackalloc byte[Sha256.DigestBytes];
        for (var i = 0; i < 50; i++)
        {
            random.NextBytes(bytes);
            var header = BlockHeader.Parse(bytes);

            Midstate.FromHeader(bytes).HashNonce(header.Nonce, hash);

            var expected = System.Security.Cryptography.SHA256.HashData(System.Security.Cryptography.SHA256.HashData(bytes));
            Assert.Equal(expected, hash.ToArray());
        }
    }

    [Fact]
    public void FromHeader_Genesis_RealNonceGivesGenesisHash()
    {
        Span<byte> hash = stackalloc byte[Sha256.DigestBytes];

        Midstate.FromHeader(KnownBlocks.Genesis()).HashNonce(KnownBlocks.GenesisNonce, hash);

        Assert.Equal(KnownBlocks.GenesisHash, DisplayHash.Format(hash));
    }
}
