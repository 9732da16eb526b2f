using System.Text;
using Energy.Contracts.Readings;
using Energy.Contracts.Signals;
using Energy.Contracts.Units;
using Energy.Telemetry.Signals;

namespace Energy.Telemetry.Tests.Signals;

public sealed class PayloadParserTests
{
    private const string HeatDemand = "bath.heatDemandKw";

    private static readonly DateTimeOffset Now = new(2024, 1, 15, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("61.25", 61.25)]
    [InlineData("  -3.5e1 \n", -35)]
    [InlineData("0", 0)]
    public void Plain_Number_IsGood(string payload, double expected)
    {
        var reading = Parse(Map(PayloadFormat.Plain), payload);

        Assert.Equal(Quality.Good, reading.Quality);
        Assert.Equal(expected, reading.Value);
    }

    [Theory]
    [InlineData("warm", "not a number: 'warm'")]
    [InlineData("NaN", "not a finite number: 'NaN'")]
    [InlineData("1e309", "not a finite number: '1e309'")]
    [InlineData("-Infinity", "not a finite number")]
    [InlineData("", "empty payload")]
    [InlineData("   ", "empty payload")]
    [InlineData("61,2", "not a number: '61,2'")]
    public void Plain_NotANumber_IsBadWithTheReason(string payload, string reason)
    {
        var reading = Parse(Map(PayloadFormat.Plain), payload);

        Assert.Equal(Quality.Bad, reading.Quality);
        Assert.StartsWith(reason, reading.Reason, StringComparison.Ordinal);
        Assert.True(double.IsNaN(reading.Value));
    }

    [Theory]
    [InlineData("{\"tank\":{\"top\":61.2}}", "tank.top", 61.2)]
    [InlineData("{\"tank\":{\"top\":\"61.2\"}}", "tank.top", 61.2)]
    [InlineData("{\"sensors\":[{\"v\":1},{\"v\":2.5}]}", "sensors[1].v", 2.5)]
    [InlineData("{\"a\":{\"b\":7}}", "$.a.b", 7)]
    public void Json_PathToANumber_IsGood(string payload, string path, double expected)
    {
        var reading = Parse(Map(PayloadFormat.Json, path: path), payload);

        Assert.True(reading.IsGood, reading.Reason);
        Assert.Equal(expected, reading.Value);
    }

    [Theory]
    [InlineData("{\"tank\":{\"top\":61.2", "invalid JSON")]
    [InlineData("{\"tank\":{}}", "no value at 'tank.top'")]
    [InlineData("{\"tank\":{\"top\":null}}", "expected a number at 'tank.top', got null")]
    [InlineData("{\"tank\":{\"top\":[1]}}", "expected a number at 'tank.top', got array")]
    [InlineData("[1,2]", "no value at 'tank.top'")]
    [InlineData("", "empty payload")]
    public void Json_Broken_IsBadWithTheReason(string payload, string reason)
    {
        var reading = Parse(Map(PayloadFormat.Json, path: "tank.top"), payload);

        Assert.Equal(Quality.Bad, reading.Quality);
        Assert.StartsWith(reason, reading.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonValueUnit_WattsOnAKwSignal_IsConvertedToKw()
    {
        var reading = Parse(Map(PayloadFormat.JsonValueUnit, unit: "kW", signal: HeatDemand), "{\"value\":412500,\"unit\":\"W\"}");

        Assert.True(reading.IsGood, reading.Reason);
        Assert.Equal(412.5, reading.Value, 9);
        Assert.Equal(Unit.Kilowatt, reading.Unit);
    }

    [Fact]
    public void JsonValueUnit_OtherQuantityOnAKwSignal_IsBadWithTheReason()
    {
        var reading = Parse(Map(PayloadFormat.JsonValueUnit, unit: "kW", signal: HeatDemand), "{\"value\":12,\"unit\":\"m3/h\"}");

        Assert.Equal(Quality.Bad, reading.Quality);
        Assert.Equal("wrong unit: 'm3/h' where kW is expected", reading.Reason);
        Assert.True(double.IsNaN(reading.Value));
        Assert.Equal(Unit.Kilowatt, reading.Unit);
    }

    [Fact]
    public void Plain_MappingInWattsOnAKwSignal_IsConvertedAfterTheRangeCheckInWatts()
    {
        var map = Map(PayloadFormat.Plain, unit: "W", signal: HeatDemand) with { Min = 0, Max = 300_000 };

        var good = Parse(map, "250000");
        var high = Parse(map, "350000");

        Assert.True(good.IsGood, good.Reason);
        Assert.Equal((250.0, Unit.Kilowatt), (good.Value, good.Unit));
        Assert.Equal(Quality.Bad, high.Quality);
        Assert.Equal("out of range: 350000 W is outside [0, 300000]", high.Reason);
        Assert.Equal(Unit.Kilowatt, high.Unit);
    }

    [Fact]
    public void JsonValueUnit_KilowattsOnAMappingInWatts_GoesThroughTheMappingsUnit()
    {
        var map = Map(PayloadFormat.JsonValueUnit, unit: "W", signal: HeatDemand) with { Max = 300_000 };

        Assert.Equal(250, Parse(map, "{\"value\":250,\"unit\":\"kW\"}").Value, 9);
        Assert.StartsWith("out of range: 350000 W", Parse(map, "{\"value\":350,\"unit\":\"kW\"}").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyValue_MappingWithoutUnit_TakesTheSignalsUnitAndConvertsThePayloads()
    {
        var reading = Parse(Map(PayloadFormat.KeyValue, key: "temp", unit: string.Empty), "temp=334.35;unit=K");

        Assert.True(reading.IsGood, reading.Reason);
        Assert.Equal(61.2, reading.Value, 9);
        Assert.Equal(Unit.Celsius, reading.Unit);
    }

    [Fact]
    public void JsonValueUnit_NoUnitOnEitherSide_KeepsTheValueAsSent()
    {
        var reading = Parse(Map(PayloadFormat.JsonValueUnit, unit: string.Empty, signal: "bath.visitors"), "{\"value\":140,\"unit\":\"people\"}");

        Assert.True(reading.IsGood, reading.Reason);
        Assert.Equal((140.0, Unit.Dimensionless), (reading.Value, reading.Unit));
    }

    [Fact]
    public void Parse_NameFromTheTopicImpliesAnotherQuantity_IsBad()
    {
        var map = new TopicSignal("bms.{1}", "bms/+", PayloadFormat.Plain, null, null, Unit.Kilowatt, 1, 0, null, null, TimeSpan.FromMinutes(5), 1);

        var power = PayloadParser.Parse(map, "bms.heatKw", Encoding.UTF8.GetBytes("5"), Now, "mqtt:bms/heatKw");
        var temperature = PayloadParser.Parse(map, "bms.supplyC", Encoding.UTF8.GetBytes("5"), Now, "mqtt:bms/supplyC");

        Assert.True(power.IsGood, power.Reason);
        Assert.Equal(Quality.Bad, temperature.Quality);
        Assert.Equal("kW (power) does not convert to °C (temperature), the unit of signal bms.supplyC", temperature.Reason);
    }

    [Fact]
    public void JsonValueUnit_Kelvin_IsConvertedToCelsius()
    {
        var reading = Parse(Map(PayloadFormat.JsonValueUnit, unit: "°C"), "{\"value\":334.35,\"unit\":\"K\"}");

        Assert.Equal(61.2, reading.Value, 9);
        Assert.Equal(Unit.Celsius, reading.Unit);
    }

    [Theory]
    [InlineData("{\"value\":61.2,\"unit\":\"bar\"}", "wrong unit: 'bar' where °C is expected")]
    [InlineData("{\"value\":61.2,\"unit\":\"kW\"}", "wrong unit: 'kW' where °C is expected")]
    [InlineData("{\"unit\":\"°C\"}", "expected a JSON object with \"value\"")]
    [InlineData("{\"value\":61.2,\"timestamp\":\"yesterday\"}", "\"timestamp\" is not an ISO-8601 time")]
    public void JsonValueUnit_WrongUnitOrShape_IsBad(string payload, string reason)
    {
        var reading = Parse(Map(PayloadFormat.JsonValueUnit, unit: "°C"), payload);

        Assert.Equal(Quality.Bad, reading.Quality);
        Assert.StartsWith(reason, reading.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonValueUnit_Timestamp_IsTheReadingsTime()
    {
        var reading = Parse(Map(PayloadFormat.JsonValueUnit, unit: "°C"), "{\"value\":61.2,\"unit\":\"°C\",\"timestamp\":\"2024-01-15T11:59:30Z\"}");

        Assert.Equal(Now.AddSeconds(-30), reading.Timestamp);
    }

    [Fact]
    public void JsonValueUnit_TimestampInTheFuture_IsBad()
    {
        var reading = Parse(Map(PayloadFormat.JsonValueUnit, unit: "°C"), "{\"value\":61.2,\"timestamp\":\"2024-01-15T13:00:00Z\"}");

        Assert.Equal(Quality.Bad, reading.Quality);
        Assert.Contains("in the future", reading.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("temp=61.2;unit=°C", 61.2)]
    [InlineData("id=4, temp=55", 55)]
    [InlineData("TEMP = 40", 40)]
    public void KeyValue_KeyPresent_IsGood(string payload, double expected)
    {
        var reading = Parse(Map(PayloadFormat.KeyValue, key: "temp", unit: "°C"), payload);

        Assert.True(reading.IsGood, reading.Reason);
        Assert.Equal(expected, reading.Value);
    }

    [Theory]
    [InlineData("pressure=2.1", "no 'temp=' in 'pressure=2.1'")]
    [InlineData("temp=hot", "not a number: 'hot'")]
    [InlineData("temp=61.2;unit=bar", "wrong unit: 'bar'")]
    public void KeyValue_Broken_IsBad(string payload, string reason)
    {
        var reading = Parse(Map(PayloadFormat.KeyValue, key: "temp", unit: "°C"), payload);

        Assert.Equal(Quality.Bad, reading.Quality);
        Assert.StartsWith(reason, reading.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ScaleOffsetAndRange_AreApplied()
    {
        var map = Map(PayloadFormat.Plain) with { Scale = 0.1, Offset = 1, Min = 0, Max = 100 };

        Assert.Equal(62.2, Parse(map, "612").Value, 9);
        var high = Parse(map, "2000");
        Assert.Equal(Quality.Bad, high.Quality);
        Assert.StartsWith("out of range: 201", high.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrowAndNeverGiveANonFiniteGoodValue()
    {
        var random = new Random(11);
        foreach (var format in Enum.GetValues<PayloadFormat>())
        {
            var map = Map(format, path: "a.b", key: "v", unit: "W", signal: HeatDemand);
            for (var i = 0; i < 2_000; i++)
            {
                var bytes = new byte[random.Next(0, 40)];
                random.NextBytes(bytes);
                var reading = PayloadParser.Parse(map, map.Signal, bytes, Now, "test");
                Assert.True(reading.Quality == Quality.Bad || double.IsFinite(reading.Value));
            }
        }
    }

    private static TopicSignal Map(PayloadFormat format, string? path = null, string? key = null, string unit = "°C", string signal = "bath.tankTopC") =>
        new(signal, "bms/tank/top", format, path, key, Unit.Parse(unit), 1, 0, null, null, TimeSpan.FromMinutes(5), 1);

    private static Reading Parse(TopicSignal map, string payload) =>
        PayloadParser.Parse(map, map.Signal, Encoding.UTF8.GetBytes(payload), Now, "mqtt:bms/tank/top");
}
