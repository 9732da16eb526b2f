using Energy.Contracts.Time;
using Energy.Contracts.Units;
using Energy.Scheduler.Plant;
using SupportSites = Energy.TestSupport.Sites.TestSites;

namespace Energy.Scheduler.Tests.Plant;

public class SyntheticMarketTests
{
    private static readonly DateTimeOffset Noon = new(2024, 7, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly SyntheticMarket Market = new(SupportSites.With(SupportSites.Pool("p", 1)));

    [Fact]
    public async Task GetPricesAsync_AlignedSpan_OneHourlySlotPerHour()
    {
        var curve = await Market.GetPricesAsync(Noon, Noon.AddHours(24), CancellationToken.None);

        Assert.Equal(Noon, curve.Start);
        Assert.Equal(TimeSpan.FromHours(1), curve.SlotLength);
        Assert.Equal(24, curve.Prices.Count);
        Assert.Equal(Noon.AddHours(24), curve.End);
    }

    [Fact]
    public async Task GetPricesAsync_UnalignedSpan_StartsAtSlotStartAndCoversUntil()
    {
        var start = Noon.AddMinutes(37);
        var until = Noon.AddHours(3).AddMinutes(5);

        var curve = await Market.GetPricesAsync(start, until, CancellationToken.None);

        Assert.Equal(Noon, curve.Start);
        Assert.Equal(4, curve.Prices.Count);
        Assert.True(curve.End >= until);
        Assert.NotNull(curve.PriceAt(start));
        Assert.NotNull(curve.PriceAt(until));
    }

    [Fact]
    public async Task GetPricesAsync_EmptySpan_NoPrices()
    {
        var curve = await Market.GetPricesAsync(Noon, Noon, CancellationToken.None);

        Assert.Empty(curve.Prices);
    }

    [Fact]
    public async Task GetPricesAsync_SameHourFromDifferentRequests_SamePrice()
    {
        var fromSite = await new SyntheticMarket(SupportSites.With(SupportSites.Pool("q", 3))).GetPricesAsync(Noon.AddHours(-5), Noon.AddHours(5), CancellationToken.None);
        var narrow = await Market.GetPricesAsync(Noon, Noon.AddHours(1), CancellationToken.None);

        Assert.Equal(narrow.Prices[0], fromSite.PriceAt(Noon));
    }

    [Fact]
    public async Task GetPricesAsync_CalledTwice_IsDeterministic()
    {
        var first = await Market.GetPricesAsync(Noon, Noon.AddDays(7), CancellationToken.None);
        var second = await Market.GetPricesAsync(Noon, Noon.AddDays(7), CancellationToken.None);

        Assert.Equal(first.Prices, second.Prices);
        Assert.True(first.Prices.Distinct().Count() > 100, "prices should vary hour to hour");
    }

    [Fact]
    public async Task GetPricesAsync_AutumnDstLocalDay_Has25Prices()
    {
        var day = new DateOnly(2024, 10, 27);
        var start = MarketCalendar.StartOfLocalDay(day, SupportSites.Berlin);

        var curve = await Market.GetPricesAsync(start, MarketCalendar.StartOfLocalDay(day.AddDays(1), SupportSites.Berlin), CancellationToken.None);

        Assert.Equal(25, curve.Prices.Count);
        Assert.All(curve.Prices, p => Assert.Equal(Currency.Eur, p.Currency));
    }

    [Fact]
    public async Task GetPricesAsync_Year_WinterDearerThanSummer()
    {
        var january = await Market.GetPricesAsync(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero), CancellationToken.None);
        var july = await Market.GetPricesAsync(new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 8, 1, 0, 0, 0, TimeSpan.Zero), CancellationToken.None);

        Assert.True(january.Prices.Average(p => p.PerMegawattHour) > july.Prices.Average(p => p.PerMegawattHour));
    }

    [Fact]
    public async Task GetPricesAsync_Summer_MiddayDipBelowEveningPeak()
    {
        var july = await Market.GetPricesAsync(new DateTimeOffset(2024, 7, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 8, 1, 0, 0, 0, TimeSpan.Zero), CancellationToken.None);

        double MeanAtLocalHour(int hour) => Enumerable.Range(0, july.Prices.Count)
            .Where(i => TimeZoneInfo.ConvertTime(july.SlotStart(i), SupportSites.Berlin).Hour == hour)
            .Average(i => july.Prices[i].PerMegawattHour);

        Assert.True(MeanAtLocalHour(13) < MeanAtLocalHour(19));
        Assert.Contains(july.Prices, p => p.PerMegawattHour < 0);
    }
}
