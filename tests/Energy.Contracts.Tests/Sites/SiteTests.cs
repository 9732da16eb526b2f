using Energy.Contracts.Sites;
using Energy.TestSupport.Sites;

namespace Energy.Contracts.Tests.Sites;

public class SiteTests
{
    private static readonly Site TwoPools =
        TestSites.With(TestSites.Pool("air", 4), TestSites.Pool("liquid", 2, heatLoop: "bath"));

    [Fact]
    public void LoopOf_PoolWithoutHeatLoop_IsNull()
    {
        Assert.Null(TwoPools.LoopOf(TwoPools.Pool("air")));
    }

    [Fact]
    public void LoopOf_PoolWithHeatLoop_IsThatLoop()
    {
        Assert.Equal("bath", TwoPools.LoopOf(TwoPools.Pool("liquid"))!.Name);
    }

    [Fact]
    public void Pool_UnknownName_ThrowsKeyNotFoundNamingIt()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => TwoPools.Pool("missing"));

        Assert.Contains("'missing'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TotalGpus_TwoPools_SumsTheirCounts()
    {
        Assert.Equal(6, TwoPools.TotalGpus);
    }
}
