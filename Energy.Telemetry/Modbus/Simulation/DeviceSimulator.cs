using Energy.Contracts.Devices;

namespace Energy.Telemetry.Modbus.Simulation;

/// <summary>
/// Serves a mapped device from measurements: each point whose signal is measured is encoded into the
/// registers its map says, in its unit, type and word order, scale and offset undone, so that reading
/// the device through the map gives the measurement back. SunSpec scale factors are chosen to fit int16.
/// Measurements are in their signals' units, as readings are.
/// </summary>
public sealed class DeviceSimulator
{
    private readonly ModbusDevice _device;

    public DeviceSimulator(ModbusDevice device)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        Bank = new ModbusDataBank();

        // Every mapped address exists from the start (zero), as on a real meter.
        foreach (var point in device.Points)
        {
            if (point.IsBitTable)
            {
                Bank.SetBits(point.Table, point.Address, [false]);
                continue;
            }

            Bank.SetRegisters(point.Table, point.Address, new ushort[RegisterDecoder.RegisterCount(point.Type)]);
            if (point.ScaleFactorAddress is { } sf)
            {
                Bank.SetRegisters(point.Table, sf, [0]);
            }
        }
    }

    public ModbusDevice Device => _device;

    public ModbusDataBank Bank { get; }

    /// <summary>Writes every point whose signal has a value in <paramref name="measurements"/>.</summary>
    public void Update(IReadOnlyDictionary<string, double> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        foreach (var point in _device.Points)
        {
            if (measurements.TryGetValue(point.Signal, out var value) && point.SignalUnit.TryConvert(value, point.Unit, out var served)
                && double.IsFinite(served))
            {
                Write(point, served);
            }
        }
    }

    private void Write(ModbusPoint point, double value)
    {
        var raw = (value - point.Offset) / point.Scale;
        if (point.IsBitTable)
        {
            Bank.SetBits(point.Table, point.Address, [raw >= 0.5]);
            return;
        }

        if (point.Bit is { } bit)
        {
            var register = Bank.GetRegisters(point.Table, point.Address, 1)[0];
            var mask = (ushort)(1 << bit);
            Bank.SetRegisters(point.Table, point.Address, [(ushort)(raw >= 0.5 ? register | mask : register & ~mask)]);
            return;
        }

        if (point.ScaleFactorAddress is { } sfAddress)
        {
            var sf = ScaleFactorFor(raw);
            Bank.SetRegisters(point.Table, sfAddress, [unchecked((ushort)sf)]);
            raw /= Math.Pow(10, sf);
        }

        var integer = point.Type is not (ModbusValueType.Float32 or ModbusValueType.Float64);
        Bank.SetRegisters(point.Table, point.Address, RegisterDecoder.Encode(integer ? Clamp(Math.Round(raw), point.Type) : raw, point.Type, point.WordOrder));
    }

    /// <summary>The smallest power of ten (−3…4) that brings the value into an int16 with the most digits kept.</summary>
    private static short ScaleFactorFor(double raw)
    {
        for (short sf = -3; sf < 4; sf++)
        {
            if (Math.Abs(Math.Round(raw / Math.Pow(10, sf))) <= short.MaxValue)
            {
                return sf;
            }
        }

        return 4;
    }

    private static double Clamp(double raw, ModbusValueType type) => type switch
    {
        ModbusValueType.UInt16 => Math.Clamp(raw, 0, ushort.MaxValue - 1),     // 0xFFFF is the 'not available' sentinel
        ModbusValueType.Int16 => Math.Clamp(raw, short.MinValue + 1, short.MaxValue),
        ModbusValueType.UInt32 => Math.Clamp(raw, 0, uint.MaxValue - 1.0),
        ModbusValueType.Int32 => Math.Clamp(raw, int.MinValue + 1.0, int.MaxValue),
        _ => raw,
    };
}
