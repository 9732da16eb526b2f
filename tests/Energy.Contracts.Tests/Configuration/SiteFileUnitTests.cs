using Energy.Contracts.Units;
using Energy.TestSupport.Sites;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>
/// The <c>unit</c> of Modbus points and MQTT mappings: it must be a unit HeatGrid knows and convert to
/// the unit the signal's name implies; anything else is refused at the unit's value.
/// </summary>
public class SiteFileUnitTests
{
    private const int HeatPowerLine = 112;
    private const int UnitColumn = 132;
    private const string HeatPowerUnit = "unit: kW, min: 0, max: 3000, maxChangePerSecond: 1500";
    private const int OutdoorLine = 158;

    private static SiteFileText Bathhouse => SiteFileText.Bathhouse();

    [Fact]
    public void Parse_PointInWattsOnAKwSignal_IsAcceptedAndKeptInWatts()
    {
        var text = HeatPower("unit: W, min: 0, max: 3000000, maxChangePerSecond: 1500000");

        var point = Point(text, "heatPower");

        Assert.Equal((Unit.Watt, Unit.Kilowatt), (point.Unit, point.SignalUnit));
        Assert.Equal((0.0, 3_000_000.0, 1_500_000.0), (point.Min!.Value, point.Max!.Value, point.MaxChangePerSecond!.Value));
    }

    [Fact]
    public void Parse_PointInVolumeFlowOnAKwSignal_IsRefusedAtTheUnit()
    {
        var text = HeatPower("unit: m3/h, min: 0, max: 3000, maxChangePerSecond: 1500");

        var error = SiteFileAssert.SingleError(SiteFileAssert.Parse(text), HeatPowerLine, UnitColumn, "devices[0].points[0].unit",
            "m3/h (volume flow) does not convert to kW (power), the unit of signal bath.heatDemandKw");

        Assert.Equal(
            $"site.yaml:{HeatPowerLine}:{UnitColumn}: devices[0].points[0].unit: m3/h (volume flow) does not convert to kW (power), the unit of signal bath.heatDemandKw",
            error.ToString());
    }

    [Fact]
    public void Parse_PointWithoutUnitOnAKwSignal_IsInKw()
    {
        var point = Point(HeatPower("min: 0, max: 3000, maxChangePerSecond: 1500"), "heatPower");

        Assert.Equal(Unit.Kilowatt, point.Unit);
    }

    [Fact]
    public void Parse_PointWithoutUnitOnASignalWithoutOne_IsDimensionless()
    {
        var result = SiteFileAssert.Parse(Bathhouse);

        SiteFileAssert.Valid(result);
        var boilerOn = result.Site!.Devices.SelectMany(d => d.Points).Single(p => p.Signal == "bath.boilerOn");
        Assert.Equal((Unit.Dimensionless, Unit.Dimensionless), (boilerOn.Unit, boilerOn.SignalUnit));
    }

    [Fact]
    public void Parse_PointWithAUnitOnASignalWithoutOne_KeepsThePointsUnit()
    {
        var text = Bathhouse.ReplaceLine(135, "name: boilerOn", "      - { name: boilerOn, signal: bath.boilerOn, table: input, address: 12, type: uint16, bit: 0, unit: \"%\" }");

        var point = Point(text, "boilerOn");

        Assert.Equal((Unit.Percent, Unit.Percent), (point.Unit, point.SignalUnit));
    }

    [Theory]
    [InlineData("KW", "unknown unit 'KW'; did you mean 'kW'?")]
    [InlineData("kW/h", "unknown unit 'kW/h'; did you mean 'kWh'?")]
    [InlineData("bar", "unknown unit 'bar' (known units: W, kW, MW, Wh, kWh, MWh, °C, K, Hz, V, m³/h, l/s, l/min, %)")]
    [InlineData("mW", "unknown unit 'mW' (known units:")]
    public void Parse_UnknownUnit_IsRefusedAtTheUnit(string unit, string message)
    {
        var text = HeatPower($"unit: {unit}, min: 0, max: 3000, maxChangePerSecond: 1500");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), HeatPowerLine, UnitColumn, "devices[0].points[0].unit", message);
    }

    [Fact]
    public void Parse_MappingInWattsOnAKwSignal_IsAccepted()
    {
        var text = WithHeatDemandTopic("unit: W");

        var result = SiteFileAssert.Parse(text);

        SiteFileAssert.Valid(result);
        var map = result.Site!.TopicSignals.Single(t => t.Signal == "bath.heatDemandKw");
        Assert.Equal((Unit.Watt, Unit.Kilowatt), (map.Unit, map.SignalUnitOf(map.Signal)));
        Assert.Equal(3_000_000, map.Max);
    }

    [Fact]
    public void Parse_MappingInVolumeFlowOnAKwSignal_IsRefusedAtTheUnit()
    {
        var text = WithHeatDemandTopic("unit: m3/h");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), OutdoorLine + 1, 82, "signals[3].unit",
            "m3/h (volume flow) does not convert to kW (power), the unit of signal bath.heatDemandKw");
    }

    [Fact]
    public void Parse_MappingInKwOnACelsiusSignal_IsRefusedAtTheUnit()
    {
        var text = Bathhouse.ReplaceLine(156, "unit: °C", "  - { signal: bath.poolTemperatureC, topic: bathhouse/bms/pool/temperature, format: json-value-unit, unit: kW, min: 0, max: 60, maxAge: 5m }");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 156, 108, "signals[0].unit",
            "kW (power) does not convert to °C (temperature), the unit of signal bath.poolTemperatureC");
    }

    [Fact]
    public void Parse_MappingWithUnknownUnit_IsRefusedAtTheUnit()
    {
        var text = WithHeatDemandTopic("unit: kw");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), OutdoorLine + 1, 82, "signals[3].unit", "unknown unit 'kw'; did you mean 'kW'?");
    }

    [Fact]
    public void Parse_MappingWithoutUnit_TakesTheSignalsUnit()
    {
        var text = WithHeatDemandTopic(string.Empty);

        var result = SiteFileAssert.Parse(text);

        SiteFileAssert.Valid(result);
        Assert.Equal(Unit.Kilowatt, result.Site!.TopicSignals.Single(t => t.Signal == "bath.heatDemandKw").Unit);
        Assert.Equal(Unit.Dimensionless, result.Site!.TopicSignals.Single(t => t.Signal == "bath.visitors").Unit);
    }

    [Fact]
    public void Parse_MappingTemplate_IsCheckedAgainstTheUnitOfItsName()
    {
        var text = Bathhouse.ReplaceLine(OutdoorLine, "grid.outdoorTemperatureC", "  - { signal: \"tank.{1}.topC\", topic: bms/+/top, unit: Hz, maxAge: 5m }");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), OutdoorLine, 56, "signals[2].unit",
            "Hz (frequency) does not convert to °C (temperature), the unit of signal tank.{1}.topC");
    }

    [Fact]
    public void Parse_BadLimitOfAPoint_NamesThePointsUnit()
    {
        var text = HeatPower("unit: W, min: none, max: 3000000");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), HeatPowerLine, 140, "devices[0].points[0].min", "expected a number (W), got 'none'");
    }

    private static SiteFileText HeatPower(string replacement) => Bathhouse.ReplaceLine(HeatPowerLine, HeatPowerUnit,
        "      - { name: heatPower, signal: bath.heatDemandKw, table: holding, address: 0, type: int32, wordOrder: abcd, scale: 0.01, " + replacement + " }");

    /// <summary>A fourth MQTT mapping, for the heat demand, on the line after the last one.</summary>
    private static SiteFileText WithHeatDemandTopic(string unit) => Bathhouse.ReplaceLine(OutdoorLine, "grid.outdoorTemperatureC",
        Bathhouse.ToString().Split('\n')[OutdoorLine - 1] + "\n"
        + "  - { signal: bath.heatDemandKw, topic: bathhouse/bms/heat, format: plain, " + (unit.Length == 0 ? string.Empty : unit + ", ") + "min: 0, max: 3000000, maxAge: 5m }");

    private static Devices.ModbusPoint Point(SiteFileText text, string name)
    {
        var result = SiteFileAssert.Parse(text);
        SiteFileAssert.Valid(result);
        return result.Site!.Devices.SelectMany(d => d.Points).Single(p => p.Name == name);
    }
}
