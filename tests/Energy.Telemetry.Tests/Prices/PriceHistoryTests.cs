using Energy.Contracts.Units;
using Energy.Telemetry.Prices;
using static Energy.Telemetry.Tests.Prices.PriceTestData;

namespace Energy.Telemetry.Tests.Prices;

public class PriceHistoryTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>Hourly EUR prices from 2024-01-01T00Z: one per entry, null for a missing hour.</summary>
    private static PriceHistory Hourly(params double?[] prices) => Build(Currency.Eur, Hour, prices);

    private static PriceHistory Build(Currency currency, TimeSpan slot, params double?[] prices)
    {
        var builder = new PriceHistoryBuilder(currency, slot);
        for (var i = 0; i < prices.Length; i++)
        {
            if (prices[i] is { } price)
            {
                Assert.Null(builder.Add(Utc(2024, 1, 1) + (slot * i), price));
            }
        }

        return builder.Build();
    }

    private static double[] Values(PriceHistory history) => history.Slots.Select(s => s.Price.PerMegawattHour).ToArray();

    [Fact]
    public void Gaps_MissingHours_ReportedAsRunsBetweenFirstAndLast()
    {
        var history = Hourly(null, 1, 2, null, null, 5, null, 7, null);

        Assert.Equal(Utc(2024, 1, 1, 1), history.First);
        Assert.Equal(Utc(2024, 1, 1, 8), history.End);
        Assert.Equal([new PriceGap(Utc(2024, 1, 1, 3), Utc(2024, 1, 1, 5), 2), new PriceGap(Utc(2024, 1, 1, 6), Utc(2024, 1, 1, 7), 1)], history.Gaps);
    }

    [Fact]
    public void Curve_StartInsideASlot_StartsAtThatSlotAndEndsAtUntil()
    {
        var curve = Hourly(0, 1, 2, 3, 4).Curve(Utc(2024, 1, 1, 1, 40), Utc(2024, 1, 1, 3, 10));

        Assert.Equal(Utc(2024, 1, 1, 1), curve.Start);
        Assert.Equal([1.0, 2, 3], curve.Prices.Select(p => p.PerMegawattHour));
    }

    [Fact]
    public void Curve_GapAhead_EndsAtTheGap()
    {
        var curve = Hourly(0, 1, null, 3).Curve(Utc(2024, 1, 1), Utc(2024, 1, 2));

        Assert.Equal(Utc(2024, 1, 1, 2), curve.End);
        Assert.Equal(2, curve.Prices.Count);
    }

    [Fact]
    public void Curve_StartInAGapOrOutside_EmptyCurveAtTheRequestedSlot()
    {
        var history = Hourly(0, null, 2);

        Assert.Empty(history.Curve(Utc(2024, 1, 1, 1, 30), Utc(2024, 1, 2)).Prices);
        Assert.Equal(Utc(2024, 1, 1, 1), history.Curve(Utc(2024, 1, 1, 1, 30), Utc(2024, 1, 2)).Start);
        Assert.Empty(history.Curve(Utc(2023, 12, 31), Utc(2024, 1, 2)).Prices);
        Assert.Empty(history.Curve(Utc(2024, 1, 1), Utc(2024, 1, 1)).Prices);
    }

    [Fact]
    public void PriceAt_KnownAndMissingSlots()
    {
        var history = Hourly(-5.5, null, 2);

        Assert.Equal(EnergyPrice.EurPerMwh(-5.5), history.PriceAt(Utc(2024, 1, 1, 0, 59)));
        Assert.Null(history.PriceAt(Utc(2024, 1, 1, 1, 0)));
        Assert.Null(history.PriceAt(Utc(2024, 1, 1, 3, 0)));
    }

    [Fact]
    public void Merge_NewerWinsForTheSameSlotAndBothKeepTheirOwn()
    {
        var older = Hourly(0, 1, 2, 3);
        var newer = Build(Currency.Eur, Hour, null, null, 20, 30, 40);

        var merged = older.Merge(newer);

        Assert.Equal([0.0, 1, 20, 30, 40], Values(merged));
        Assert.Equal([0.0, 1, 2, 3], Values(older));
    }

    [Fact]
    public void Merge_ClosesAGap()
    {
        var merged = Hourly(0, null, 2).Merge(Build(Currency.Eur, Hour, null, 1));

        Assert.Empty(merged.Gaps);
        Assert.Equal(3, merged.Curve(Utc(2024, 1, 1), Utc(2024, 1, 2)).Prices.Count);
    }

    [Fact]
    public void Merge_OtherCurrencyOrSlotLength_Error()
    {
        var eur = Hourly(1, 2);

        var currency = Assert.Throws<ArgumentException>(() => eur.Merge(Build(Currency.Usd, Hour, 1)));
        Assert.Contains("Cannot merge USD prices in 60-minute slots into EUR prices", currency.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => eur.Merge(Build(Currency.Eur, TimeSpan.FromMinutes(15), 1)));
        Assert.False(eur.TryMerge(Build(Currency.Usd, Hour, 1), out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Merge_WithEmpty_ReturnsTheOther()
    {
        var prices = Hourly(1, 2);

        Assert.Same(prices, PriceHistory.Empty(Currency.Usd, TimeSpan.FromMinutes(15)).Merge(prices));
        Assert.Same(prices, prices.Merge(PriceHistory.Empty(Currency.Eur, Hour)));
    }

    [Fact]
    public void Between_KeepsTheSlotUnderWayAndThoseAfter()
    {
        var future = Hourly(0, 1, 2, 3).Between(Utc(2024, 1, 1, 1, 30), Utc(2024, 1, 1, 3));

        Assert.Equal([1.0, 2], Values(future));
    }

    [Fact]
    public void WithSlotLength_QuarterHours_EachHourPriceFourTimes()
    {
        var quarters = Hourly(10, 20).WithSlotLength(TimeSpan.FromMinutes(15));

        Assert.Equal([10.0, 10, 10, 10, 20, 20, 20, 20], Values(quarters));
        Assert.Equal(Utc(2024, 1, 1, 1, 45), quarters.Slots[^1].Start);
        Assert.Throws<ArgumentOutOfRangeException>(() => quarters.WithSlotLength(Hour));
    }

    [Fact]
    public void Builder_SlotStartNotOnTheGrid_Refused()
    {
        var builder = new PriceHistoryBuilder(Currency.Eur, TimeSpan.FromMinutes(15));

        Assert.Equal("2024-01-01T00:10Z is not the start of a 15-minute slot", builder.Add(Utc(2024, 1, 1, 0, 10), 1));
        Assert.Contains("not a finite number", builder.Add(Utc(2024, 1, 1), double.NaN), StringComparison.Ordinal);
        Assert.Equal(0, builder.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PriceHistoryBuilder(Currency.Eur, TimeSpan.FromMinutes(7)));
    }

    [Fact]
    public void Builder_SlotsOutOfOrder_SortedAndDuplicatesFoundAfterwards()
    {
        var builder = new PriceHistoryBuilder(Currency.Eur, Hour);
        Assert.Null(builder.Add(Utc(2024, 1, 1, 5), 5));
        Assert.Null(builder.Add(Utc(2024, 1, 1, 1), 1));
        Assert.Null(builder.Add(Utc(2024, 1, 1, 6), 6));

        Assert.Contains("duplicate slot", builder.Add(Utc(2024, 1, 1, 1), 1), StringComparison.Ordinal);
        Assert.Contains("conflicting prices", builder.Add(Utc(2024, 1, 1, 6), 7), StringComparison.Ordinal);
        Assert.Equal([1.0, 5, 6], Values(builder.Build()));
    }

    [Fact]
    public void SlotsOfLocalDay_CountsOnlyKnownSlotsOfThatLocalDay()
    {
        // Berlin's 2024-01-01 starts at 2023-12-31T23Z: hours 00Z..22Z of this history are in it, 23Z is on the 2nd.
        var history = Hourly(Enumerable.Range(0, 30).Select(i => (double?)i).ToArray());

        Assert.Equal(23, history.SlotsOfLocalDay(new DateOnly(2024, 1, 1), Berlin));
        Assert.Equal(7, history.SlotsOfLocalDay(new DateOnly(2024, 1, 2), Berlin));
    }
}
