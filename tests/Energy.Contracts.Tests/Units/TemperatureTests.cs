using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Units;

public class TemperatureTests
{
    [Fact]
    public void FromCelsius_ReadOutKelvin_AddsAbsoluteZero()
    {
        var t = Temperature.FromCelsius(70);

        Assert.Equal(70, t.Celsius);
        Assert.Equal(343.15, t.Kelvin, 9);
    }

    [Fact]
    public void FromKelvin_ReadOutCelsius_RoundTrips()
    {
        Assert.Equal(90, Temperature.FromKelvin(363.15).Celsius, 9);
        Assert.Equal(-273.15, Temperature.FromKelvin(0).Celsius, 9);
    }

    [Fact]
    public void FromCelsius_AbsoluteZero_IsAllowed()
    {
        Assert.Equal(0, Temperature.FromCelsius(-273.15).Kelvin, 9);
    }

    [Theory]
    [InlineData(-273.16)]
    [InlineData(-300)]
    public void FromCelsius_BelowAbsoluteZero_Throws(double celsius)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Temperature.FromCelsius(celsius));
    }

    [Fact]
    public void FromKelvin_Negative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Temperature.FromKelvin(-0.5));
    }

    [Fact]
    public void KelvinAbove_HotAboveCold_IsTheDifference()
    {
        var hot = Temperature.FromCelsius(90);
        var cold = Temperature.FromCelsius(60);

        Assert.Equal(30, hot.KelvinAbove(cold), 9);
        Assert.Equal(-30, cold.KelvinAbove(hot), 9);
    }

    [Fact]
    public void Comparisons_OrderByCelsius()
    {
        var cold = Temperature.FromCelsius(-10);
        var warm = Temperature.FromCelsius(25);

        Assert.True(cold < warm);
        Assert.True(warm > cold);
        Assert.True(cold <= Temperature.FromCelsius(-10));
        Assert.True(warm >= cold);
        Assert.True(cold.CompareTo(warm) < 0);
    }

    [Theory]
    [InlineData(21.5, "21.5 °C")]
    [InlineData(-4.125, "-4.13 °C")]
    [InlineData(70, "70 °C")]
    public void ToString_PrintsCelsius_InvariantCulture(double celsius, string expected)
    {
        Assert.Equal(expected, Temperature.FromCelsius(celsius).ToString());
    }
}
