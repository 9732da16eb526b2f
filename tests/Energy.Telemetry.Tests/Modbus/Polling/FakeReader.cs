using Energy.Contracts.Devices;
using Energy.Telemetry.Modbus;
using Energy.Telemetry.Modbus.Polling;

namespace Energy.Telemetry.Tests.Modbus.Polling;

/// <summary>Serves reads from a data bank, or fails them the way a scripted device would.</summary>
internal sealed class FakeReader : IModbusReader
{
    public ModbusDataBank Bank { get; } = new();

    /// <summary>When set, every read throws it (a dead or unreachable device).</summary>
    public Func<ModbusException>? FailAll { get; set; }

    public List<(ModbusTable Table, ushort Address, int Count)> Requests { get; } = [];

    public ValueTask<ushort[]> ReadRegistersAsync(ModbusTable table, byte unit, ushort address, int count, CancellationToken ct)
    {
        Requests.Add((table, address, count));
        if (FailAll is { } fail)
        {
            throw fail();
        }

        var into = new ushort[count];
        return Bank.ReadRegisters(table, address, count, into) is { } code
            ? throw new ModbusDeviceException(3, code)
            : ValueTask.FromResult(into);
    }

    public ValueTask<bool[]> ReadBitsAsync(ModbusTable table, byte unit, ushort address, int count, CancellationToken ct)
    {
        Requests.Add((table, address, count));
        if (FailAll is { } fail)
        {
            throw fail();
        }

        var into = new bool[count];
        return Bank.ReadBits(table, address, count, into) is { } code
            ? throw new ModbusDeviceException(1, code)
            : ValueTask.FromResult(into);
    }
}
