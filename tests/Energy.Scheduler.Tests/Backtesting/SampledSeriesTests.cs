using Energy.Scheduler.Backtesting;

namespace Energy.Scheduler.Tests.Backtesting;

public sealed class SampledSeriesTests
{
    private static readonly long Start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    [Fact]
    public void QuarterHourReadingsThatAlternate_AreAveragedPerClockHour()
    {
        // A smooth daily load with readings jumping ±80 kW from one quarter-hour to the next.
        var series = Quarter(i => 300 + (100 * Math.Sin(i * 2 * Math.PI / 96)) + (i % 2 == 0 ? 80 : -80));
        var smoothed = SampledSeries.HourlyMeansIfSampled(series, out var acf);

        Assert.True(acf < SampledSeries.AlternationThreshold, $"acf {acf}");
        for (var h = 0; h < 48; h++)
        {
            var mean = series.Values.Skip(h * 4).Take(4).Average();
            Assert.All(smoothed.Values.Skip(h * 4).Take(4), v => Assert.Equal(mean, v, 9));
        }
    }

    [Fact]
    public void QuarterHourMeansOfASmoothLoad_AreKept()
    {
        var series = Quarter(i => 300 + (100 * Math.Sin(i * 2 * Math.PI / 96)));
        var kept = SampledSeries.HourlyMeansIfSampled(series, out var acf);

        Assert.True(acf > 0, $"acf {acf}");
        Assert.Same(series, kept);
    }

    [Fact]
    public void HourlySeries_IsNotMeasured()
    {
        var ticks = Enumerable.Range(0, 200).Select(i => Start + (i * TimeSpan.TicksPerHour)).ToArray();
        var series = new TimedSeries("x.csv", "heat_demand_kw", ticks, ticks.Select((_, i) => i % 2 == 0 ? 100.0 : 500.0).ToArray());

        Assert.Same(series, SampledSeries.HourlyMeansIfSampled(series, out var acf));
        Assert.True(double.IsNaN(acf));
    }

    [Fact]
    public void Gaps_StayGaps()
    {
        var series = Quarter(i => i is >= 40 and < 44 ? double.NaN : 300 + (i % 2 == 0 ? 80 : -80));
        var smoothed = SampledSeries.HourlyMeansIfSampled(series, out _);

        Assert.All(smoothed.Values.Skip(40).Take(4), v => Assert.True(double.IsNaN(v)));
        Assert.All(smoothed.Values.Take(40), v => Assert.Equal(300, v, 9));
    }

    private static TimedSeries Quarter(Func<int, double> value)
    {
        var ticks = Enumerable.Range(0, 192).Select(i => Start + (i * TimeSpan.TicksPerMinute * 15)).ToArray();
        return new TimedSeries("x.csv", "heat_demand_kw", ticks, ticks.Select((_, i) => value(i)).ToArray());
    }
}
