using Energy.Gpu.Mining;
using Energy.Gpu.Mining.Stratum;
using Energy.TestSupport.Stratum;

namespace Energy.Gpu.Tests.Mining.Stratum;

public class StratumHeaderBuilderTests
{
    // Block 125552's parent as pools send it: the display hash's 4-byte words in reverse order.
    private const string Block125552PrevStratum = "ab02cd818b9e567ee21793cddef299feb29ad444a41b85b8000008a300000000";

    internal static StratumJob GenesisJob() =>
        StratumJob.FromNotifyParams(System.Text.Json.JsonDocument.Parse(GenesisNotify.Params("genesis")).RootElement);

    [Fact]
    public void Build_GenesisNotify_ReproducesGenesisHeaderAndHash()
    {
        var header = StratumHeaderBuilder.Build(
            GenesisJob(), Convert.FromHexString(GenesisNotify.Extranonce1), Convert.FromHexString(GenesisNotify.Extranonce2), nonce: KnownBlocks.GenesisNonce);

        Assert.Equal(KnownBlocks.Genesis().ToBytes(), header.ToBytes());
        Assert.Equal(KnownBlocks.GenesisHash, header.ComputeDisplayHash());
    }

    [Fact]
    public void FromNotifyParams_BigEndianHexWords_BecomeNumbersWrittenLittleEndian()
    {
        var job = GenesisJob();

        Assert.Equal(1u, job.Version);
        Assert.Equal(0x1d00ffffu, job.Bits);
        Assert.Equal(1231006505u, job.Time);
        Assert.True(job.CleanJobs);
        var bytes = StratumHeaderBuilder.Build(job, [], [], nonce: 0).ToBytes();
        Assert.Equal(new byte[] { 0xff, 0xff, 0x00, 0x1d }, bytes[BlockHeader.BitsOffset..(BlockHeader.BitsOffset + 4)]);
        Assert.Equal(new byte[] { 0x29, 0xab, 0x5f, 0x49 }, bytes[BlockHeader.TimeOffset..(BlockHeader.TimeOffset + 4)]);
    }

    [Fact]
    public void Build_TimeOverride_ReplacesJobTime()
    {
        var header = StratumHeaderBuilder.Build(GenesisJob(), [], [], time: 0x495fab2a);

        Assert.Equal(0x495fab2au, header.Time);
    }

    [Fact]
    public void ToHeaderOrder_Block125552Parent_SwapsBytesWithinEachWord()
    {
        var headerOrder = StratumPrevHash.ToHeaderOrder(Block125552PrevStratum);

        Assert.Equal(KnownBlocks.Block125552().PreviousBlockHash.ToArray(), headerOrder);
        Assert.Equal("00000000000008a3a41b85b8b29ad444def299fee21793cd8b9e567eab02cd81", DisplayHash.Format(headerOrder));
    }

    [Fact]
    public void ToStratumHex_HeaderOrder_RoundTrips()
    {
        var headerOrder = KnownBlocks.Block125552().PreviousBlockHash.ToArray();

        Assert.Equal(Block125552PrevStratum, StratumPrevHash.ToStratumHex(headerOrder));
        Assert.Equal(headerOrder, StratumPrevHash.ToHeaderOrder(StratumPrevHash.ToStratumHex(headerOrder)));
    }
}
