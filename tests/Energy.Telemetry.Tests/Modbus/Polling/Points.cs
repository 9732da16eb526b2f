using Energy.Contracts.Devices;
using Energy.Contracts.Units;

namespace Energy.Telemetry.Tests.Modbus.Polling;

internal static class Points
{
    public static ModbusPoint Register(
        string name,
        ushort address,
        ModbusValueType type = ModbusValueType.UInt16,
        ModbusTable table = ModbusTable.HoldingRegister,
        WordOrder order = WordOrder.Abcd,
        double scale = 1,
        double? min = null,
        double? max = null,
        double? maxChangePerSecond = null,
        TimeSpan? frozenAfter = null,
        ushort? scaleFactorAddress = null,
        int? bit = null) =>
        new(name, "test." + name, table, address, type, order, scale, 0, Unit.Kilowatt, bit, scaleFactorAddress, min, max, maxChangePerSecond, frozenAfter);

    public static ModbusPoint Coil(string name, ushort address) =>
        new(name, "test." + name, ModbusTable.Coil, address, ModbusValueType.UInt16, WordOrder.Abcd, 1, 0, Unit.Dimensionless, null, null, null, null, null, null);

    public static ModbusDevice Device(params ModbusPoint[] points) =>
        new("meter", "127.0.0.1:15020", 1, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), 0, null, points);
}
