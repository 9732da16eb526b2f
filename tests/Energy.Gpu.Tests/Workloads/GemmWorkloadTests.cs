using Energy.Gpu.Workloads;

namespace Energy.Gpu.Tests.Workloads;

public class GemmWorkloadTests
{
    [Fact]
    public void SevenB_FlopsPerToken_IsTwiceTheProjectionWeights()
    {
        const long Weights = 32L * ((4096L * 3 * 4096) + (4096L * 4096) + (4096L * 2 * 11008) + (11008L * 4096));

        Assert.Equal(2 * Weights, TransformerShape.SevenB.FlopsPerToken);
        Assert.Equal(12.952, TransformerShape.SevenB.FlopsPerToken / 1e9, 3);
    }

    [Fact]
    public void Prefill_IsEveryLayersFourProjections_OverAllPromptTokens()
    {
        var prefill = GemmWorkload.Prefill(TransformerShape.SevenB);

        Assert.Equal("prefill-7B-2048", prefill.Name);
        Assert.Equal(128, prefill.Sequence.Count);
        Assert.Equal([new GemmShape(12288, 2048, 4096), new GemmShape(4096, 2048, 4096), new GemmShape(22016, 2048, 4096), new GemmShape(4096, 2048, 11008)],
            prefill.Sequence.Take(4));
        Assert.Equal(TransformerShape.SevenB.FlopsPerToken, prefill.FlopsPerToken);
    }

    [Fact]
    public void Decode_IsOneTokenForEachOfTheBatch()
    {
        var decode = GemmWorkload.Decode(TransformerShape.SevenB);

        Assert.All(decode.Sequence, g => Assert.Equal(32, g.N));
        Assert.Equal(32, decode.TokensPerSequence);
        Assert.Equal(TransformerShape.SevenB.FlopsPerToken, decode.FlopsPerToken);
    }

    [Fact]
    public void TokensPerSecond_IsTheFlopRateOverFlopsPerToken()
    {
        var prefill = GemmWorkload.Prefill(TransformerShape.SevenB);

        Assert.Equal(6.5e14 / 12_952_010_752, prefill.TokensPerSecond(6.5e14), 6);
        Assert.Equal(0, GemmWorkload.Heater().TokensPerSecond(6.5e14));
    }

    [Fact]
    public void Heater_IsOne8192CubedGemm()
    {
        var heater = GemmWorkload.Heater();

        Assert.Equal(new GemmShape(8192, 8192, 8192), Assert.Single(heater.Sequence));
        Assert.Equal(2L * 8192 * 8192 * 8192, heater.FlopsPerSequence);
    }

    [Fact]
    public void RandomOperands_AreRepeatable_AndWithinMinusOneToOne()
    {
        var a = GemmOperands.RandomBlock(10_000, 7);
        var b = GemmOperands.RandomBlock(10_000, 7);

        Assert.Equal(a, b);
        Assert.All(a, v => Assert.InRange(v.ToSingle(), -1f, 1f));
        Assert.True(a.Select(v => v.Bits).Distinct().Count() > 1_000);
    }
}
