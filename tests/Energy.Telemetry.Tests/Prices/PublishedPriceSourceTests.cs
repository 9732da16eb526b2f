using Energy.Contracts.Prices;
using Energy.Contracts.Time;
using Energy.Telemetry.Prices;
using Energy.TestSupport.Sites;
using Microsoft.Extensions.Time.Testing;
using static Energy.Telemetry.Tests.Prices.PriceTestData;

namespace Energy.Telemetry.Tests.Prices;

/// <summary>Day-ahead prices of local day D are known from 12:00 market time on D−1, and not a minute before.</summary>
public class PublishedPriceSourceTests
{
    private static readonly DateOnly Day = new(2024, 7, 10);

    private static DateTimeOffset BerlinTime(DateOnly day, int hour, int minute) =>
        new(day.ToDateTime(new TimeOnly(hour, minute)), Berlin.GetUtcOffset(day.ToDateTime(new TimeOnly(hour, minute))));

    private static (PublishedPriceSource Source, FakeTimeProvider Clock) Published(DateTimeOffset now, TimeOnly? publication = null)
    {
        var clock = new FakeTimeProvider(now);
        return (new PublishedPriceSource(new FilePriceSource("DE-LU 2024", HistoryOf(DeLu)), Berlin, clock, publication), clock);
    }

    private static async Task<PriceCurve> DayAsync(PublishedPriceSource source, DateOnly day) =>
        await source.GetPricesAsync(MarketCalendar.StartOfLocalDay(day, Berlin), MarketCalendar.StartOfLocalDay(day.AddDays(1), Berlin), CancellationToken.None);

    [Fact]
    public async Task GetPricesAsync_At1159OnTheDayBefore_DayNotVisible()
    {
        var (source, _) = Published(BerlinTime(Day.AddDays(-1), 11, 59));

        Assert.Empty((await DayAsync(source, Day)).Prices);
        Assert.Equal(24, (await DayAsync(source, Day.AddDays(-1))).Prices.Count);
    }

    [Fact]
    public async Task GetPricesAsync_At1200OnTheDayBefore_WholeDayVisible()
    {
        var (source, clock) = Published(BerlinTime(Day.AddDays(-1), 11, 59));

        clock.Advance(TimeSpan.FromMinutes(1));

        var curve = await DayAsync(source, Day);
        Assert.Equal(24, curve.Prices.Count);
        Assert.Empty((await DayAsync(source, Day.AddDays(1))).Prices);
    }

    [Fact]
    public async Task GetPricesAsync_LongSpan_EndsAtTheLastPublishedDay()
    {
        var (source, _) = Published(BerlinTime(Day, 15, 0));

        var curve = await source.GetPricesAsync(BerlinTime(Day, 15, 0), BerlinTime(Day, 15, 0).AddDays(3), CancellationToken.None);

        Assert.Equal(MarketCalendar.StartOfLocalDay(Day.AddDays(2), Berlin), curve.End);
        Assert.Equal(33, curve.Prices.Count);
    }

    [Fact]
    public async Task GetPricesAsync_BeforeTheSpringDstDay_23HoursAppearAtNoon()
    {
        var spring = new DateOnly(2024, 3, 31);
        var (source, clock) = Published(BerlinTime(spring.AddDays(-1), 11, 59));
        Assert.Empty((await DayAsync(source, spring)).Prices);

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(23, (await DayAsync(source, spring)).Prices.Count);
    }

    [Fact]
    public async Task GetPricesAsync_LaterPublicationTime_Honoured()
    {
        var (source, clock) = Published(BerlinTime(Day.AddDays(-1), 12, 30), new TimeOnly(13, 0));
        Assert.Empty((await DayAsync(source, Day)).Prices);

        clock.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(24, (await DayAsync(source, Day)).Prices.Count);
    }

    [Fact]
    public async Task GetPricesAsync_SourceWithLaterPrices_EndsAtThePublishedDay()
    {
        var (source, _) = Published(BerlinTime(Day, 9, 0));

        var curve = await source.GetPricesAsync(BerlinTime(Day, 9, 0), BerlinTime(Day, 9, 0).AddDays(2), CancellationToken.None);

        Assert.Equal(MarketCalendar.StartOfLocalDay(Day.AddDays(1), Berlin), curve.End);
    }

    [Fact]
    public void PublishedUntil_DependsOnLocalMarketTime()
    {
        var (source, _) = Published(Utc(2024, 1, 1));

        Assert.Equal(Utc(2024, 7, 10, 22), source.PublishedUntil(Utc(2024, 7, 10, 9, 59)));    // 11:59 CEST
        Assert.Equal(Utc(2024, 7, 11, 22), source.PublishedUntil(Utc(2024, 7, 10, 10, 0)));    // 12:00 CEST
        Assert.Equal(Utc(2024, 1, 10, 23), source.PublishedUntil(Utc(2024, 1, 10, 10, 59)));   // 11:59 CET
        Assert.Equal(Utc(2024, 1, 11, 23), source.PublishedUntil(Utc(2024, 1, 10, 11, 0)));    // 12:00 CET
    }
}
