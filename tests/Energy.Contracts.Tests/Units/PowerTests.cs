using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Units;

public class PowerTests
{
    [Fact]
    public void FromKilowatts_ReadOut_RoundTripsThroughWattsAndMegawatts()
    {
        var power = Power.FromKilowatts(1_500);

        Assert.Equal(1_500_000, power.Watts);
        Assert.Equal(1_500, power.Kilowatts);
        Assert.Equal(1.5, power.Megawatts);
    }

    [Fact]
    public void FromMegawatts_SameQuantityAsWatts_AreEqual()
    {
        Assert.Equal(Power.FromWatts(2_500_000), Power.FromMegawatts(2.5));
    }

    [Fact]
    public void FromMilliwatts_NvmlReading_ConvertsToWatts()
    {
        Assert.Equal(312.5, Power.FromMilliwatts(312_500).Watts);
    }

    [Fact]
    public void Multiply_PowerByDuration_GivesEnergy()
    {
        var energy = Power.FromKilowatts(450) * TimeSpan.FromMinutes(30);

        Assert.Equal(225, energy.KilowattHours, 9);
    }

    [Fact]
    public void Multiply_NegativePowerByDuration_GivesNegativeEnergy()
    {
        var energy = Power.FromKilowatts(-100) * TimeSpan.FromHours(2);

        Assert.Equal(-200, energy.KilowattHours, 9);
    }

    [Fact]
    public void Operators_AddSubtractScaleNegate_ComputeInWatts()
    {
        var a = Power.FromWatts(300);
        var b = Power.FromWatts(120);

        Assert.Equal(420, (a + b).Watts);
        Assert.Equal(180, (a - b).Watts);
        Assert.Equal(-300, (-a).Watts);
        Assert.Equal(600, (a * 2).Watts);
        Assert.Equal(600, (2 * a).Watts);
        Assert.Equal(150, (a / 2).Watts);
        Assert.Equal(2.5, a / b);
    }

    [Fact]
    public void Comparisons_OrderByWatts()
    {
        var small = Power.FromWatts(999);
        var large = Power.FromKilowatts(1);

        Assert.True(small < large);
        Assert.True(large > small);
        Assert.True(small <= Power.FromWatts(999));
        Assert.True(large >= small);
        Assert.False(small > large);
        Assert.True(small.CompareTo(large) < 0);
        Assert.Equal(small, Power.Min(small, large));
        Assert.Equal(large, Power.Max(small, large));
    }

    [Theory]
    [InlineData(50, 100)]
    [InlineData(450, 450)]
    [InlineData(900, 700)]
    public void Clamp_ValueOutsideRange_IsHeldAtTheNearestLimit(double watts, double expected)
    {
        var clamped = Power.FromWatts(watts).Clamp(Power.FromWatts(100), Power.FromWatts(700));

        Assert.Equal(expected, clamped.Watts);
    }

    [Theory]
    [InlineData(450, "450 W")]
    [InlineData(1_500, "1.5 kW")]
    [InlineData(-1_500, "-1.5 kW")]
    [InlineData(2_345_678, "2.346 MW")]
    [InlineData(0, "0 W")]
    public void ToString_ChoosesUnitBySize_PrintsInvariantCulture(double watts, string expected)
    {
        Assert.Equal(expected, Power.FromWatts(watts).ToString());
    }

    [Fact]
    public void Zero_IsDefault_HasNoWatts()
    {
        Assert.Equal(default, Power.Zero);
        Assert.Equal(0, Power.Zero.Watts);
    }
}
