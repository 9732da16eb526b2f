using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Units;

public class EnergyPriceTests
{
    [Fact]
    public void PerKwh_ReadOutPerMwh_ScalesByThousand()
    {
        var price = EnergyPrice.PerKwh(0.118, Currency.Eur);

        Assert.Equal(118, price.PerMegawattHour, 9);
        Assert.Equal(0.118, price.PerKilowattHour, 12);
        Assert.Equal(Currency.Eur, price.Currency);
    }

    [Fact]
    public void PerMwh_NegativePrice_IsAllowed()
    {
        var price = EnergyPrice.PerMwh(-35.2, Currency.Usd);

        Assert.Equal(-35.2, price.PerMegawattHour);
        Assert.Equal(Currency.Usd, price.Currency);
    }

    [Fact]
    public void Add_NegativeSpotPlusFees_StaysArithmetic()
    {
        var allIn = EnergyPrice.EurPerMwh(-60) + EnergyPrice.EurPerMwh(25) + EnergyPrice.EurPerMwh(15);

        Assert.Equal(-20, allIn.PerMegawattHour, 9);
    }

    [Fact]
    public void Operators_SubtractNegateScale_KeepTheCurrency()
    {
        var price = EnergyPrice.PerMwh(-40, Currency.Usd);

        Assert.Equal(-50, (price - EnergyPrice.PerMwh(10, Currency.Usd)).PerMegawattHour, 9);
        Assert.Equal(40, (-price).PerMegawattHour);
        Assert.Equal(-80, (price * 2).PerMegawattHour);
        Assert.Equal(-10, (price / 4).PerMegawattHour);
        Assert.Equal(Currency.Usd, (price * 2).Currency);
    }

    [Fact]
    public void Multiply_PriceByEnergy_GivesMoneyInThePriceCurrency()
    {
        var cost = EnergyPrice.PerMwh(-20, Currency.Usd) * EnergyAmount.FromKilowattHours(500);

        Assert.Equal(Money.Of(-10, Currency.Usd), cost);
    }

    [Fact]
    public void Comparisons_NegativeBelowPositive_OrderByValue()
    {
        var negative = EnergyPrice.EurPerMwh(-5);
        var positive = EnergyPrice.EurPerMwh(80);

        Assert.True(negative < positive);
        Assert.True(positive > negative);
        Assert.True(negative <= EnergyPrice.EurPerMwh(-5));
        Assert.True(positive >= negative);
        Assert.Equal(negative, EnergyPrice.Min(negative, positive));
        Assert.Equal(positive, EnergyPrice.Max(negative, positive));
        Assert.Equal(EnergyPrice.EurPerMwh(0), EnergyPrice.Zero(Currency.Eur));
    }

    [Fact]
    public void Compare_DifferentCurrencies_ThrowsInvalidOperation()
    {
        var eur = EnergyPrice.EurPerMwh(50);
        var usd = EnergyPrice.PerMwh(50, Currency.Usd);

        Assert.Throws<InvalidOperationException>(() => eur < usd);
        Assert.Throws<InvalidOperationException>(() => eur.CompareTo(usd));
        Assert.Throws<InvalidOperationException>(() => EnergyPrice.Max(eur, usd));
    }

    [Fact]
    public void Add_DifferentCurrencies_ThrowsInvalidOperation()
    {
        var eur = EnergyPrice.EurPerMwh(50);
        var usd = EnergyPrice.PerMwh(50, Currency.Usd);

        var e = Assert.Throws<InvalidOperationException>(() => eur + usd);
        Assert.Contains("USD", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => eur - usd);
    }

    [Theory]
    [InlineData(78.456, "78.46 EUR/MWh")]
    [InlineData(-12.5, "-12.5 EUR/MWh")]
    [InlineData(0, "0 EUR/MWh")]
    public void ToString_PrintsValueAndUnit_InvariantCulture(double perMwh, string expected)
    {
        Assert.Equal(expected, EnergyPrice.EurPerMwh(perMwh).ToString());
    }
}
