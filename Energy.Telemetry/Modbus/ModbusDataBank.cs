namespace Energy.Telemetry.Modbus;

/// <summary>
/// A thread-safe, sparse <see cref="IModbusDataBank"/> for simulators and tests: only addresses
/// that were set exist, as on a real device whose map has gaps. Reading or writing a range that
/// touches an unset address answers <see cref="ModbusExceptionCode.IllegalDataAddress"/> (spec
/// §6.1–6.12: "starting address + quantity" must be served). Over Modbus, coils and holding
/// registers are writable; discrete inputs and input registers have no write function at all
/// (spec §4.3) and change only through <see cref="SetBits"/> / <see cref="SetRegisters"/>.
/// </summary>
public sealed class ModbusDataBank : IModbusDataBank
{
    private readonly Lock _lock = new();
    private readonly SparseTable?[] _tables = new SparseTable?[4];

    /// <summary>Creates (or overwrites) registers of a register table.</summary>
    public void SetRegisters(ModbusTable table, ushort address, ReadOnlySpan<ushort> values)
    {
        CheckRegisterTable(table);
        CheckRange(address, values.Length);
        lock (_lock)
        {
            Table(table).Set(address, values);
        }
    }

    /// <summary>Creates (or overwrites) bits of a bit table.</summary>
    public void SetBits(ModbusTable table, ushort address, ReadOnlySpan<bool> values)
    {
        CheckBitTable(table);
        CheckRange(address, values.Length);
        lock (_lock)
        {
            Table(table).Set(address, values);
        }
    }

    /// <summary>Encodes <paramref name="value"/> with <see cref="RegisterDecoder.Encode"/> and sets its registers.</summary>
    public void SetValue(ModbusTable table, ushort address, double value, ModbusValueType type, WordOrder order) =>
        SetRegisters(table, address, RegisterDecoder.Encode(value, type, order));

    /// <summary>The registers as they are now, e.g. a setpoint a client wrote.</summary>
    /// <exception cref="ArgumentException">An address of the range was never set.</exception>
    public ushort[] GetRegisters(ModbusTable table, ushort address, int count)
    {
        CheckRegisterTable(table);
        CheckRange(address, count);
        var registers = new ushort[count];
        lock (_lock)
        {
            Existing(table, address, count).CopyTo(address, registers.AsSpan());
        }

        return registers;
    }

    /// <summary>The bits as they are now.</summary>
    /// <exception cref="ArgumentException">An address of the range was never set.</exception>
    public bool[] GetBits(ModbusTable table, ushort address, int count)
    {
        CheckBitTable(table);
        CheckRange(address, count);
        var bits = new bool[count];
        lock (_lock)
        {
            Existing(table, address, count).CopyTo(address, bits.AsSpan());
        }

        return bits;
    }

    /// <summary>The value at <paramref name="address"/>, decoded with <see cref="RegisterDecoder.Decode"/>.</summary>
    public double GetValue(ModbusTable table, ushort address, ModbusValueType type, WordOrder order) =>
        RegisterDecoder.Decode(GetRegisters(table, address, RegisterDecoder.RegisterCount(type)), type, order);

    public ModbusExceptionCode? ReadBits(ModbusTable table, ushort address, int count, Span<bool> into)
    {
        if (table is not (ModbusTable.Coil or ModbusTable.DiscreteInput))
        {
            return ModbusExceptionCode.IllegalFunction;
        }

        lock (_lock)
        {
            if (!Defined(table, address, count))
            {
                return ModbusExceptionCode.IllegalDataAddress;
            }

            _tables[(int)table]!.CopyTo(address, into[..count]);
            return null;
        }
    }

    public ModbusExceptionCode? ReadRegisters(ModbusTable table, ushort address, int count, Span<ushort> into)
    {
        if (table is not (ModbusTable.HoldingRegister or ModbusTable.InputRegister))
        {
            return ModbusExceptionCode.IllegalFunction;
        }

        lock (_lock)
        {
            if (!Defined(table, address, count))
            {
                return ModbusExceptionCode.IllegalDataAddress;
            }

            _tables[(int)table]!.CopyTo(address, into[..count]);
            return null;
        }
    }

    // All or nothing: a write that touches an unset address changes nothing.
    public ModbusExceptionCode? WriteBits(ushort address, ReadOnlySpan<bool> values)
    {
        lock (_lock)
        {
            if (!Defined(ModbusTable.Coil, address, values.Length))
            {
                return ModbusExceptionCode.IllegalDataAddress;
            }

            _tables[(int)ModbusTable.Coil]!.Set(address, values);
            return null;
        }
    }

    public ModbusExceptionCode? WriteRegisters(ushort address, ReadOnlySpan<ushort> values)
    {
        lock (_lock)
        {
            if (!Defined(ModbusTable.HoldingRegister, address, values.Length))
            {
                return ModbusExceptionCode.IllegalDataAddress;
            }

            _tables[(int)ModbusTable.HoldingRegister]!.Set(address, values);
            return null;
        }
    }

    private bool Defined(ModbusTable table, int address, int count) =>
        count > 0 && address + count <= SparseTable.Size && _tables[(int)table] is { } t && t.AllDefined(address, count);

    private SparseTable Table(ModbusTable table) => _tables[(int)table] ??= new SparseTable();

    private SparseTable Existing(ModbusTable table, int address, int count)
    {
        var t = _tables[(int)table];
        var missing = t is null ? address : t.FirstUndefined(address, count);
        return missing < 0 ? t! : throw new ArgumentException($"{table} {missing} was never set.", nameof(address));
    }

    private static void CheckRange(ushort address, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (address + count > SparseTable.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Address {address} + count {count} passes the end of the table.");
        }
    }

    private static void CheckRegisterTable(ModbusTable table)
    {
        if (table is not (ModbusTable.HoldingRegister or ModbusTable.InputRegister))
        {
            throw new ArgumentException($"{table} holds bits, not registers.", nameof(table));
        }
    }

    private static void CheckBitTable(ModbusTable table)
    {
        if (table is not (ModbusTable.Coil or ModbusTable.DiscreteInput))
        {
            throw new ArgumentException($"{table} holds registers, not bits.", nameof(table));
        }
    }
}
