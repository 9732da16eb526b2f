using Energy.Contracts.Configuration;
using Energy.Contracts.Readings;
using Energy.Contracts.Units;
using Energy.Telemetry.Modbus;
using Energy.Telemetry.Modbus.Polling;
using Energy.Telemetry.Modbus.Simulation;
using Energy.Telemetry.Signals;
using Energy.TestSupport.Sites;

namespace Energy.Telemetry.Tests.Modbus.Polling;

/// <summary>A point's value is checked in the point's unit and reaches the registry in the signal's.</summary>
public sealed class PointDecoderUnitTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Decode_SiteFilePointInWattsOnAKwSignal_ReachesTheRegistryInKw()
    {
        var point = HeatPowerInWatts();
        var image = new RegisterImage();
        image.SetRegisters(point.Table, point.Address, RegisterDecoder.Encode(250_000, ModbusValueType.Int32, WordOrder.Abcd));
        var registry = new SignalRegistry();

        registry.Publish(PointDecoder.Decode(point, "modbus:heat-meter", T0, image, new PointState()));

        var reading = registry.Latest("bath.heatDemandKw")!;
        Assert.True(reading.IsGood, reading.Reason);
        Assert.Equal((250.0, Unit.Kilowatt), (reading.Value, reading.Unit));
        Assert.Equal("kW", reading.Unit.ToString());
        Assert.Equal(250, registry.GoodValue("bath.heatDemandKw", T0, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Decode_PointInWatts_ChecksTheRangeInWatts()
    {
        var point = HeatPowerInWatts();

        var high = Decode(point, 3_500_000);

        Assert.Equal(Quality.Bad, high.Quality);
        Assert.Equal("out of range: 3500000 W is outside [0, 3000000]", high.Reason);
        Assert.Equal(Unit.Kilowatt, high.Unit);
    }

    [Fact]
    public void Decode_PointInWatts_ChecksJumpsInWattsPerSecond()
    {
        var point = HeatPowerInWatts();
        var state = new PointState();

        Assert.True(Decode(point, 100_000, state, T0).IsGood);
        var step = Decode(point, 1_400_000, state, T0.AddSeconds(1));
        var jump = Decode(point, 3_000_000, state, T0.AddSeconds(2));

        Assert.True(step.IsGood, step.Reason);
        Assert.Equal(1_400, step.Value);
        Assert.Equal(Quality.Bad, jump.Quality);
        Assert.Contains("W/s", jump.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PointInKelvinOnACelsiusSignal_AddsTheOffset()
    {
        var point = Points.Register("t", 0, ModbusValueType.UInt16, scale: 0.01) with { Signal = "bath.supplyTemperatureC", Unit = Unit.Kelvin };

        var reading = Decode(point, 33_435);

        Assert.Equal(61.2, reading.Value, 9);
        Assert.Equal(Unit.Celsius, reading.Unit);
    }

    [Fact]
    public void Decode_FrozenPointInWatts_IsUncertainInKw()
    {
        var point = HeatPowerInWatts() with { FrozenAfter = TimeSpan.FromMinutes(1) };
        var state = new PointState();

        Decode(point, 250_000, state, T0);
        var frozen = Decode(point, 250_000, state, T0.AddMinutes(2));

        Assert.Equal(Quality.Uncertain, frozen.Quality);
        Assert.Equal((250.0, Unit.Kilowatt), (frozen.Value, frozen.Unit));
    }

    [Fact]
    public void Decode_UnitThatDoesNotConvert_IsBadNotAWrongNumber()
    {
        // The site file refuses such a point; a map built in code gets a Bad reading instead.
        var point = HeatPowerInWatts() with { Unit = Unit.CubicMetrePerHour };

        var reading = Decode(point, 12);

        Assert.Equal(Quality.Bad, reading.Quality);
        Assert.Equal("m³/h (volume flow) does not convert to kW (power)", reading.Reason);
    }

    [Fact]
    public void Update_SimulatedPointInWatts_ServesWattsAndReadsBackInKw()
    {
        var point = HeatPowerInWatts();
        var simulator = new DeviceSimulator(Points.Device(point));

        simulator.Update(new Dictionary<string, double> { ["bath.heatDemandKw"] = 250 });

        Assert.Equal(250_000, RegisterDecoder.Decode(simulator.Bank.GetRegisters(point.Table, point.Address, 2), ModbusValueType.Int32, WordOrder.Abcd));
        var image = new RegisterImage();
        image.SetRegisters(point.Table, point.Address, simulator.Bank.GetRegisters(point.Table, point.Address, 2));
        Assert.Equal(250, PointDecoder.Decode(point, "sim", T0, image, new PointState()).Value);
    }

    /// <summary>The bathhouse heat meter's power point, served in W with scale 1 instead of 0.01 kW.</summary>
    private static ModbusPoint HeatPowerInWatts()
    {
        var text = SiteFileText.Bathhouse().ReplaceLine(112, "name: heatPower",
            "      - { name: heatPower, signal: bath.heatDemandKw, table: holding, address: 0, type: int32, wordOrder: abcd, scale: 1, unit: W, min: 0, max: 3000000, maxChangePerSecond: 1500000 }");
        var site = SiteFile.Parse(text.ToString(), "site.yaml").GetSiteOrThrow();
        return site.Devices.Single(d => d.Name == "heat-meter").Points.Single(p => p.Name == "heatPower");
    }

    private static Reading Decode(ModbusPoint point, int value, PointState? state = null, DateTimeOffset? at = null)
    {
        var image = new RegisterImage();
        image.SetRegisters(point.Table, point.Address, RegisterDecoder.Encode(value, point.Type, point.WordOrder));
        return PointDecoder.Decode(point, "test", at ?? T0, image, state ?? new PointState());
    }
}
