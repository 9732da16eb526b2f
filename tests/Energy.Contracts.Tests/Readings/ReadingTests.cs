using Energy.Contracts.Readings;
using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Readings;

public class ReadingTests
{
    private static readonly DateTimeOffset At = new(2024, 7, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Good_FiniteValue_IsGoodWithoutReason()
    {
        var reading = Reading.Good("bath.heatDemandKw", 412.5, Unit.Kilowatt, At, "meter-1");

        Assert.True(reading.IsGood);
        Assert.Equal(Quality.Good, reading.Quality);
        Assert.Equal(412.5, reading.Value);
        Assert.Null(reading.Reason);
        Assert.Equal(("bath.heatDemandKw", Unit.Kilowatt, At, "meter-1"), (reading.Signal, reading.Unit, reading.Timestamp, reading.Source));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Good_NonFiniteValue_BecomesBadWithReason(double value)
    {
        var reading = Reading.Good("bath.heatDemandKw", value, Unit.Kilowatt, At, "meter-1");

        Assert.False(reading.IsGood);
        Assert.Equal(Quality.Bad, reading.Quality);
        Assert.NotNull(reading.Reason);
        Assert.Contains("value is", reading.Reason, StringComparison.Ordinal);
        Assert.Equal("bath.heatDemandKw", reading.Signal);
    }

    [Fact]
    public void Bad_AnyReason_HasNaNValueAndTheReason()
    {
        var reading = Reading.Bad("grid.importKw", Unit.Kilowatt, "Modbus timeout", At, "meter-2");

        Assert.False(reading.IsGood);
        Assert.True(double.IsNaN(reading.Value));
        Assert.Equal("Modbus timeout", reading.Reason);
    }

    [Fact]
    public void IsGood_UncertainReading_IsFalse()
    {
        var reading = new Reading("x", 1, Unit.Kilowatt, Quality.Uncertain, "frozen", At, "s");

        Assert.False(reading.IsGood);
    }
}
