using Energy.Contracts.Devices;

namespace Energy.Telemetry.Modbus.Polling;

/// <summary>The reads a poller needs; <see cref="ModbusTcpClient"/> provides them, tests fake them.</summary>
public interface IModbusReader
{
    ValueTask<ushort[]> ReadRegistersAsync(ModbusTable table, byte unit, ushort address, int count, CancellationToken ct);

    ValueTask<bool[]> ReadBitsAsync(ModbusTable table, byte unit, ushort address, int count, CancellationToken ct);
}
