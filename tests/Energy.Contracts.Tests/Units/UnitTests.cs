using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Units;

public class UnitTests
{
    public static TheoryData<string, string> Spellings => new()
    {
        { "W", "W" },
        { "kW", "kW" },
        { " MW ", "MW" },
        { "Wh", "Wh" },
        { "kWh", "kWh" },
        { "MWh", "MWh" },
        { "°C", "°C" },
        { "C", "°C" },
        { "degC", "°C" },
        { "K", "K" },
        { "Hz", "Hz" },
        { "V", "V" },
        { "m³/h", "m³/h" },
        { "m3/h", "m³/h" },
        { "l/s", "l/s" },
        { "L/min", "l/min" },
        { "%", "%" },
        { "", "" },
        { "  ", "" },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void TryParse_SymbolOrAlias_PrintsTheSymbol(string text, string symbol)
    {
        Assert.True(Unit.TryParse(text, out var unit));
        Assert.Equal(symbol, unit.ToString());
        Assert.Equal(symbol, unit.Symbol);
    }

    [Fact]
    public void TryParse_Aliases_AreTheSameUnit()
    {
        Assert.Equal(Unit.Celsius, Unit.Parse("C"));
        Assert.Equal(Unit.Celsius, Unit.Parse("degC"));
        Assert.Equal(Unit.CubicMetrePerHour, Unit.Parse("m3/h"));
        Assert.Equal(Unit.Dimensionless, Unit.Parse(string.Empty));
        Assert.NotEqual(Unit.Kilowatt, Unit.KilowattHour);
    }

    [Theory]
    [InlineData("bar")]
    [InlineData("kw")]
    [InlineData("KW")]
    [InlineData("mW")]
    [InlineData("°F")]
    [InlineData("kW/h")]
    public void TryParse_UnknownOrWrongCase_IsFalse(string text)
    {
        Assert.False(Unit.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Unit.Parse(text));
    }

    [Fact]
    public void TryParse_Null_IsFalse() => Assert.False(Unit.TryParse(null, out _));

    [Fact]
    public void All_EverySymbol_ParsesBackToItsUnit()
    {
        Assert.Equal(15, Unit.All.Count);
        Assert.All(Unit.All, u => Assert.Equal(u, Unit.Parse(u.ToString())));
        Assert.Equal(Unit.All.Count, Unit.All.Distinct().Count());
    }

    [Fact]
    public void Default_IsDimensionless()
    {
        Assert.Equal(Unit.Dimensionless, default);
        Assert.True(default(Unit).IsDimensionless);
        Assert.Equal(string.Empty, default(Unit).ToString());
    }

    [Theory]
    [InlineData("W", "kW", 250_000, 250)]
    [InlineData("kW", "W", 412.5, 412_500)]
    [InlineData("MW", "kW", 1.5, 1_500)]
    [InlineData("Wh", "kWh", 1_500, 1.5)]
    [InlineData("MWh", "kWh", 2, 2_000)]
    [InlineData("K", "°C", 334.35, 61.2)]
    [InlineData("°C", "K", 0, 273.15)]
    [InlineData("K", "°C", 0, -273.15)]
    [InlineData("°C", "K", -40, 233.15)]
    [InlineData("l/s", "m³/h", 1, 3.6)]
    [InlineData("l/min", "m³/h", 60, 3.6)]
    [InlineData("m³/h", "l/s", 36, 10)]
    [InlineData("kW", "kW", 0.1, 0.1)]
    public void TryConvert_SameQuantity_Converts(string from, string to, double value, double expected)
    {
        Assert.True(Unit.Parse(from).TryConvert(value, Unit.Parse(to), out var converted));
        Assert.Equal(expected, converted, 9);
        Assert.Equal(expected, Unit.Parse(from).Convert(value, Unit.Parse(to)), 9);
    }

    [Fact]
    public void TryConvert_SameUnit_KeepsTheValueExactly()
    {
        Assert.True(Unit.Kelvin.TryConvert(0.1 + 0.2, Unit.Kelvin, out var converted));
        Assert.Equal(0.1 + 0.2, converted);
    }

    [Fact]
    public void TryConvert_EveryPairOfOneQuantity_RoundTrips()
    {
        double[] values = [-1_234.5, -40, 0, 0.001, 61.2, 99_999];
        foreach (var from in Unit.All)
        {
            foreach (var to in Unit.All.Where(from.ConvertsTo))
            {
                foreach (var value in values)
                {
                    Assert.True(from.TryConvert(value, to, out var there), $"{from} → {to}");
                    Assert.True(to.TryConvert(there, from, out var back), $"{to} → {from}");
                    Assert.Equal(value, back, 9);
                }
            }
        }
    }

    [Fact]
    public void TryConvert_KelvinAndCelsius_DifferByTheOffsetNotAFactor()
    {
        Assert.True(Unit.Kelvin.TryConvert(300, Unit.Celsius, out var a));
        Assert.True(Unit.Kelvin.TryConvert(310, Unit.Celsius, out var b));

        Assert.Equal(26.85, a, 9);
        Assert.Equal(10, b - a, 9);
    }

    [Theory]
    [InlineData("m³/h", "kW")]
    [InlineData("kW", "kWh")]
    [InlineData("°C", "kW")]
    [InlineData("%", "")]
    [InlineData("", "kW")]
    [InlineData("Hz", "V")]
    public void TryConvert_OtherQuantity_IsFalseAndNaN(string from, string to)
    {
        var (source, target) = (Unit.Parse(from), Unit.Parse(to));

        Assert.False(source.ConvertsTo(target));
        Assert.False(source.TryConvert(42, target, out var converted));
        Assert.True(double.IsNaN(converted));
    }

    [Fact]
    public void Convert_OtherQuantity_ThrowsNamingBothUnits()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Unit.CubicMetrePerHour.Convert(3, Unit.Kilowatt));

        Assert.Equal("m³/h (volume flow) does not convert to kW (power).", e.Message);
    }

    [Theory]
    [InlineData("W", "kW")]
    [InlineData("K", "°C")]
    [InlineData("kW", "kW")]
    public void TryConvert_NaN_StaysNaN(string from, string to)
    {
        Assert.True(Unit.Parse(from).TryConvert(double.NaN, Unit.Parse(to), out var converted));
        Assert.True(double.IsNaN(converted));
    }

    [Fact]
    public void TryConvert_Infinity_StaysInfinite()
    {
        Assert.True(Unit.Kelvin.TryConvert(double.PositiveInfinity, Unit.Celsius, out var converted));
        Assert.True(double.IsPositiveInfinity(converted));
    }

    [Fact]
    public void Describe_NamesTheQuantity()
    {
        Assert.Equal("m³/h (volume flow)", Unit.CubicMetrePerHour.Describe());
        Assert.Equal("kWh (energy)", Unit.KilowattHour.Describe());
        Assert.Equal("% (ratio)", Unit.Percent.Describe());
        Assert.Equal(Quantity.Temperature, Unit.Kelvin.Quantity);
    }
}
