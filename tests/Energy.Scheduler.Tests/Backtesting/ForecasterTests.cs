using Energy.Scheduler.Backtesting;

namespace Energy.Scheduler.Tests.Backtesting;

public sealed class ForecasterTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void Prices_RandomDecisionTimes_NeverRevealAnUnpublishedDay()
    {
        // Each slot's price is its own index, so every forecast value names the slot it came from.
        var count = 60 * 24;
        var series = BacktestData.Hourly(Enumerable.Range(0, count).Select(i => (double)i).ToArray());
        var forecaster = new Forecaster(series, Berlin);
        var random = new Random(7);
        for (var trial = 0; trial < 2_000; trial++)
        {
            var first = random.Next(count);
            var now = series.SlotStart(first) + TimeSpan.FromMinutes(random.Next(60));
            var published = forecaster.PublishedUntil(now);
            var prices = forecaster.Prices(now, first, Math.Min(48, count - first));
            for (var k = 0; k < prices.Length; k++)
            {
                var source = (int)prices[k];
                Assert.True(series.SlotStart(source) < published, $"at {now:o} slot {first + k} used the price of {series.SlotStart(source):o}, published only from {published:o}");
                if (series.SlotStart(first + k) < published)
                {
                    Assert.Equal(first + k, source);
                }
            }
        }
    }

    [Fact]
    public void PublishedUntil_BeforeAndAfterNoon_KnowsTodayOrTomorrow()
    {
        var series = BacktestData.Hourly(new double[48]);
        var forecaster = new Forecaster(series, Berlin);
        var morning = new DateTimeOffset(2024, 3, 5, 10, 59, 0, TimeSpan.Zero);   // 11:59 CET
        var noon = new DateTimeOffset(2024, 3, 5, 11, 0, 0, TimeSpan.Zero);       // 12:00 CET
        Assert.Equal(new DateTimeOffset(2024, 3, 5, 23, 0, 0, TimeSpan.Zero), forecaster.PublishedUntil(morning));
        Assert.Equal(new DateTimeOffset(2024, 3, 6, 23, 0, 0, TimeSpan.Zero), forecaster.PublishedUntil(noon));
    }

    [Fact]
    public void HeatKw_UsesOnlyMeasuredSlots()
    {
        var series = BacktestData.Hourly(new double[20 * 24]) with { HeatDemandKw = Enumerable.Range(0, 20 * 24).Select(i => (double)i).ToArray() };
        var forecaster = new Forecaster(series, Berlin);
        var first = 10 * 24 + 5;
        var unknown = series.HeatDemandKw.Select((kw, i) => i < first ? kw : double.NaN).ToArray();

        // The whole series, the slots from 'first' on included, gives what their absence gives.
        var heat = forecaster.HeatKw(series.SlotStart(first), series.HeatDemandKw, first, 48, fallbackKw: -1);
        var honest = forecaster.HeatKw(series.SlotStart(first), unknown, first, 48, fallbackKw: -1);

        Assert.Equal(honest, heat);
        Assert.All(heat, kw => Assert.InRange(kw, 0, first));
    }
}
