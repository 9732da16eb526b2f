using Energy.Gpu.Mining;
using Energy.Gpu.Mining.Stratum;

namespace Energy.Gpu.Tests.Mining.Stratum;

public class StratumHeaderBuilderTests
{
    // The genesis coinbase transaction; the pool's extranonce placeholder is cut out of its scriptSig
    // text "The Times 03/Jan/2009 …": extranonce1 = "The ", extranonce2 = "Time".
    private const string GenesisCoinbase =
        "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";

    private const string Extranonce1 = "54686520";
    private const string Extranonce2 = "54696d65";

    // Block 125552's parent as pools send it: the display hash's 4-byte words in reverse order.
    private const string Block125552PrevStratum = "ab02cd818b9e567ee21793cddef299feb29ad444a41b85b8000008a300000000";

    internal static StratumJob GenesisJob()
    {
        var split = GenesisCoinbase.IndexOf(Extranonce1 + Extranonce2, StringComparison.Ordinal);
        var coinb1 = GenesisCoinbase[..split];
        var coinb2 = GenesisCoinbase[(split + Extranonce1.Length + Extranonce2.Length)..];
        return StratumJob.FromNotifyParams(System.Text.Json.JsonDocument.Parse(
            $$"""["genesis","{{new string('0', 64)}}","{{coinb1}}","{{coinb2}}",[],"00000001","1d00ffff","495fab29",true]""").RootElement);
    }

    [Fact]
    public void Build_GenesisNotify_ReproducesGenesisHeaderAndHash()
    {
        var header = StratumHeaderBuilder.Build(
            GenesisJob(), Convert.FromHexString(Extranonce1), Convert.FromHexString(Extranonce2), nonce: KnownBlocks.GenesisNonce);

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
