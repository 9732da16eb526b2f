using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Units;

public class EnergyAmountTests
{
    [Fact]
    public void FromKilowattHours_ReadOut_RoundTripsThroughAllUnits()
    {
        var energy = EnergyAmount.FromKilowattHours(1_360);

        Assert.Equal(1_360_000, energy.WattHours);
        Assert.Equal(1_360, energy.KilowattHours);
        Assert.Equal(1.36, energy.MegawattHours, 12);
        Assert.Equal(1_360_000 * 3_600.0, energy.Joules);
    }

    [Fact]
    public void FromJoules_OneWattHour_Is3600Joules()
    {
        Assert.Equal(1, EnergyAmount.FromJoules(3_600).WattHours, 12);
        Assert.Equal(EnergyAmount.FromMegawattHours(1).WattHours, EnergyAmount.FromJoules(3.6e9).WattHours, 6);
    }

    [Fact]
    public void Divide_EnergyByDuration_GivesAveragePower()
    {
        var power = EnergyAmount.FromKilowattHours(300) / TimeSpan.FromMinutes(30);

        Assert.Equal(600, power.Kilowatts, 9);
    }

    [Fact]
    public void Divide_ByZeroDuration_Throws()
    {
        var energy = EnergyAmount.FromKilowattHours(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => energy / TimeSpan.Zero);
    }

    [Fact]
    public void Divide_ByNegativeDuration_Throws()
    {
        var energy = EnergyAmount.FromKilowattHours(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => energy / TimeSpan.FromSeconds(-1));
    }

    [Fact]
    public void DivideThenMultiply_PowerAndDuration_RoundTrips()
    {
        var energy = EnergyAmount.FromKilowattHours(42);
        var duration = TimeSpan.FromMinutes(7);

        Assert.Equal(energy.WattHours, ((energy / duration) * duration).WattHours, 9);
    }

    [Fact]
    public void Multiply_EnergyByPrice_GivesMoney()
    {
        var cost = EnergyAmount.FromKilowattHours(2_500) * EnergyPrice.EurPerMwh(80);

        Assert.Equal(Currency.Eur, cost.Currency);
        Assert.Equal(200, cost.Amount, 9);
    }

    [Fact]
    public void Multiply_EnergyByNegativePrice_GivesNegativeMoney()
    {
        var cost = EnergyAmount.FromMegawattHours(3) * EnergyPrice.EurPerMwh(-12.5);

        Assert.Equal(-37.5, cost.Amount, 9);
    }

    [Fact]
    public void Operators_ArithmeticAndComparisons_WorkInWattHours()
    {
        var a = EnergyAmount.FromWattHours(600);
        var b = EnergyAmount.FromWattHours(200);

        Assert.Equal(800, (a + b).WattHours);
        Assert.Equal(400, (a - b).WattHours);
        Assert.Equal(-600, (-a).WattHours);
        Assert.Equal(1_200, (a * 2).WattHours);
        Assert.Equal(300, (a / 2).WattHours);
        Assert.Equal(3, a / b);
        Assert.True(b < a);
        Assert.True(a >= b);
        Assert.Equal(b, EnergyAmount.Min(a, b));
        Assert.Equal(a, EnergyAmount.FromWattHours(900).Clamp(b, a));
        Assert.Equal(b, EnergyAmount.Zero.Clamp(b, a));
    }

    [Theory]
    [InlineData(750, "750 Wh")]
    [InlineData(1_360_000, "1.36 MWh")]
    [InlineData(2_500, "2.5 kWh")]
    [InlineData(-2_500, "-2.5 kWh")]
    public void ToString_ChoosesUnitBySize_PrintsInvariantCulture(double wattHours, string expected)
    {
        Assert.Equal(expected, EnergyAmount.FromWattHours(wattHours).ToString());
    }
}
