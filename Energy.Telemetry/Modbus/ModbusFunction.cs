namespace Energy.Telemetry.Modbus;

/// <summary>
/// The public function codes HeatGrid speaks (Application Protocol Spec V1.1b3 §6). Bytes rather
/// than an enum: they are compared with and written to the wire as they are.
/// </summary>
internal static class ModbusFunction
{
    public const byte ReadCoils = 0x01;
    public const byte ReadDiscreteInputs = 0x02;
    public const byte ReadHoldingRegisters = 0x03;
    public const byte ReadInputRegisters = 0x04;
    public const byte WriteSingleCoil = 0x05;
    public const byte WriteSingleRegister = 0x06;
    public const byte WriteMultipleCoils = 0x0F;
    public const byte WriteMultipleRegisters = 0x10;

    /// <summary>Set in the function code of an exception response (spec §7).</summary>
    public const byte ExceptionFlag = 0x80;

    public static byte ForReading(ModbusTable table) => table switch
    {
        ModbusTable.Coil => ReadCoils,
        ModbusTable.DiscreteInput => ReadDiscreteInputs,
        ModbusTable.HoldingRegister => ReadHoldingRegisters,
        ModbusTable.InputRegister => ReadInputRegisters,
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "Not a Modbus table."),
    };

    public static bool ReadsBits(byte function) => function is ReadCoils or ReadDiscreteInputs;
}
