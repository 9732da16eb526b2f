using Energy.Contracts.Devices;

namespace Energy.Telemetry.Modbus.Polling;

/// <summary>What one poll read from a device, address by address, so that points decode from whichever blocks hold them.</summary>
internal sealed class RegisterImage
{
    private readonly Dictionary<(ModbusTable, ushort), ushort> _registers = [];
    private readonly Dictionary<(ModbusTable, ushort), bool> _bits = [];

    public void Clear()
    {
        _registers.Clear();
        _bits.Clear();
    }

    public void SetRegisters(ModbusTable table, ushort address, ReadOnlySpan<ushort> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            _registers[(table, (ushort)(address + i))] = values[i];
        }
    }

    public void SetBits(ModbusTable table, ushort address, ReadOnlySpan<bool> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            _bits[(table, (ushort)(address + i))] = values[i];
        }
    }

    public bool TryGetRegisters(ModbusTable table, ushort address, Span<ushort> into)
    {
        for (var i = 0; i < into.Length; i++)
        {
            if (!_registers.TryGetValue((table, (ushort)(address + i)), out var value))
            {
                return false;
            }

            into[i] = value;
        }

        return true;
    }

    public bool TryGetBit(ModbusTable table, ushort address, out bool value) => _bits.TryGetValue((table, address), out value);
}
