using Energy.Contracts.Devices;
using Energy.Telemetry.Modbus;
using Energy.Telemetry.Modbus.Polling;
using Energy.Telemetry.Modbus.Simulation;
using Energy.TestSupport.Sites;

namespace Energy.Telemetry.Tests.Modbus.Simulation;

public sealed class DeviceSimulatorTests
{
    [Fact]
    public void Update_EveryBathhousePoint_ReadsBackThroughItsMapWithinItsResolution()
    {
        var random = new Random(3);
        foreach (var device in TestSites.Bathhouse().Devices)
        {
            var simulator = new DeviceSimulator(device);
            for (var round = 0; round < 50; round++)
            {
                var measurements = device.Points.ToDictionary(p => p.Signal, p => Sample(p, random));
                simulator.Update(measurements);

                foreach (var point in device.Points)
                {
                    var reading = ReadBack(simulator, point);
                    Assert.True(reading.IsGood, $"{device.Name}.{point.Name}: {reading.Reason}");
                    var resolution = point.Bit is not null ? 0 : point.ScaleFactorAddress is not null ? 0.05 : Math.Abs(point.Scale) / 2 + 1e-3;
                    Assert.True(Math.Abs(measurements[point.Signal] - reading.Value) <= resolution + (Math.Abs(reading.Value) * 1e-6),
                        $"{device.Name}.{point.Name}: wrote {measurements[point.Signal]}, read {reading.Value}");
                }
            }
        }
    }

    [Fact]
    public void Update_UnmeasuredSignal_LeavesTheRegisterAsItWas()
    {
        var device = TestSites.Bathhouse().Devices.Single(d => d.Name == "heat-meter");
        var simulator = new DeviceSimulator(device);
        simulator.Update(new Dictionary<string, double> { ["bath.heatDeliveredKw"] = 300 });

        simulator.Update(new Dictionary<string, double> { ["bath.supplyTemperatureC"] = 70 });

        Assert.Equal(300, ReadBack(simulator, device.Points.Single(p => p.Signal == "bath.heatDeliveredKw")).Value, 6);
    }

    private static double Sample(ModbusPoint p, Random random)
    {
        if (p.Bit is not null)
        {
            return random.Next(2);
        }

        var low = p.Min ?? 0;
        var high = Math.Min(p.Max ?? 10_000, low + 10_000);
        return low + (random.NextDouble() * (high - low));
    }

    private static Contracts.Readings.Reading ReadBack(DeviceSimulator simulator, ModbusPoint point)
    {
        var image = new RegisterImage();
        var width = RegisterDecoder.RegisterCount(point.Type);
        image.SetRegisters(point.Table, point.Address, simulator.Bank.GetRegisters(point.Table, point.Address, width));
        if (point.ScaleFactorAddress is { } sf)
        {
            image.SetRegisters(point.Table, sf, simulator.Bank.GetRegisters(point.Table, sf, 1));
        }

        return PointDecoder.Decode(point, "test", DateTimeOffset.UnixEpoch, image, new PointState());
    }
}
