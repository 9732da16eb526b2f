using Energy.Gpu.Benchmarks;

namespace Energy.Gpu.Tests.Benchmarks;

public class PowerTrackingResultTests
{
    [Fact]
    public void FromSamples_SettlesAtTheLastSampleOutsideFivePercent_MeanOfTheRest()
    {
        (double, double)[] samples = [(0.5, 150), (1.0, 280), (1.5, 296), (2.0, 302), (2.5, 298)];

        var result = PowerTrackingResult.FromSamples(300, samples);

        Assert.Equal(1.0, result.SettleSeconds);
        Assert.Equal(298.7, result.MeanW);
        Assert.Equal(-0.44, result.ErrorPct);
    }

    [Fact]
    public void FromSamples_NeverInsideTheBand_NoSettleTime_MeanOfTheLastTen()
    {
        var samples = Enumerable.Range(1, 20).Select(i => (i * 0.1, 250.0)).ToList();

        var result = PowerTrackingResult.FromSamples(450, samples);

        Assert.Null(result.SettleSeconds);
        Assert.Equal(250, result.MeanW);
    }

    [Fact]
    public void FromSamples_InsideFromTheStart_SettledAtZero()
    {
        Assert.Equal(0, PowerTrackingResult.FromSamples(200, [(0.1, 201.0), (0.2, 199.0)]).SettleSeconds);
    }
}
