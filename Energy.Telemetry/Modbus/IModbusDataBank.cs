namespace Energy.Telemetry.Modbus;

/// <summary>
/// What a <see cref="ModbusTcpServer"/> serves for one unit id. Each method answers null when the
/// request was carried out, or the exception code to answer with (Application Protocol Spec V1.1b3
/// §7), typically <see cref="ModbusExceptionCode.IllegalDataAddress"/> for addresses the device
/// does not have. The server has already checked quantities and address ranges against the
/// protocol's limits. Calls come from many connections at once.
/// </summary>
public interface IModbusDataBank
{
    /// <summary>FC 1 (coils) and FC 2 (discrete inputs): fills <paramref name="into"/> (length <paramref name="count"/>).</summary>
    ModbusExceptionCode? ReadBits(ModbusTable table, ushort address, int count, Span<bool> into);

    /// <summary>FC 3 (holding) and FC 4 (input registers): fills <paramref name="into"/> (length <paramref name="count"/>).</summary>
    ModbusExceptionCode? ReadRegisters(ModbusTable table, ushort address, int count, Span<ushort> into);

    /// <summary>FC 5 and FC 15: writes coils.</summary>
    ModbusExceptionCode? WriteBits(ushort address, ReadOnlySpan<bool> values);

    /// <summary>FC 6 and FC 16: writes holding registers.</summary>
    ModbusExceptionCode? WriteRegisters(ushort address, ReadOnlySpan<ushort> values);
}
