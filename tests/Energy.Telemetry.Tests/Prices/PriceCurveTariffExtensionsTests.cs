using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Telemetry.Prices;
using static Energy.Telemetry.Tests.Prices.PriceTestData;

namespace Energy.Telemetry.Tests.Prices;

public class PriceCurveTariffExtensionsTests
{
    private static readonly GridTariff Tariff = new(EnergyPrice.EurPerMwh(25), EnergyPrice.EurPerMwh(15));

    [Fact]
    public void WithTariff_EverySlotIsSpotPlusFeesAndTaxes()
    {
        var spot = HistoryOf(DeLu).Curve(Utc(2024, 7, 1), Utc(2024, 7, 2));

        var allIn = spot.WithTariff(Tariff);

        Assert.Equal(spot.Start, allIn.Start);
        Assert.Equal(spot.SlotLength, allIn.SlotLength);
        Assert.Equal(spot.Prices.Select(p => p.PerMegawattHour + 40), allIn.Prices.Select(p => p.PerMegawattHour), new ToleranceComparer(1e-9));
    }

    [Fact]
    public void WithTariff_DeepNegativeSpot_StaysNegative()
    {
        var history = HistoryOf(DeLu);
        var cheapest = history.Slots.MinBy(s => s.Price.PerMegawattHour);

        var allIn = history.Curve(cheapest.Start, cheapest.Start.AddHours(1)).WithTariff(Tariff);

        Assert.Equal(-95.45, allIn.Prices[0].PerMegawattHour, 9);
        Assert.Equal(-0.09545, allIn.Prices[0].PerKilowattHour, 9);
    }

    [Fact]
    public void WithTariff_TariffInAnotherCurrency_Throws()
    {
        var usd = HistoryOf(Ercot).Curve(Utc(2024, 7, 1), Utc(2024, 7, 2));

        Assert.Throws<InvalidOperationException>(() => usd.WithTariff(Tariff));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
