namespace Energy.Telemetry.Modbus;

/// <summary>
/// One request of the client: what it writes as PDU, and how its reply is checked and unpacked.
/// A struct with the caller's buffers, so that a request costs no allocation of its own.
/// </summary>
internal readonly struct ModbusRequest
{
    private readonly ushort _value;
    private readonly Memory<bool> _bits;
    private readonly Memory<ushort> _registers;
    private readonly IReadOnlyList<bool>? _coils;
    private readonly IReadOnlyList<ushort>? _values;

    private ModbusRequest(byte function, ushort address, ushort value, Memory<bool> bits = default, Memory<ushort> registers = default, IReadOnlyList<bool>? coils = null, IReadOnlyList<ushort>? values = null)
    {
        Function = function;
        Address = address;
        _value = value;
        _bits = bits;
        _registers = registers;
        _coils = coils;
        _values = values;
    }

    public byte Function { get; }

    public ushort Address { get; }

    /// <summary>FC 1/2: reads <c>into.Length</c> bits into <paramref name="into"/>.</summary>
    public static ModbusRequest ReadBits(byte function, ushort address, Memory<bool> into) =>
        new(function, address, (ushort)into.Length, bits: into);

    /// <summary>FC 3/4: reads <c>into.Length</c> registers into <paramref name="into"/>.</summary>
    public static ModbusRequest ReadRegisters(byte function, ushort address, Memory<ushort> into) =>
        new(function, address, (ushort)into.Length, registers: into);

    /// <summary>FC 5/6: one coil (0xFF00 / 0x0000) or one register.</summary>
    public static ModbusRequest WriteSingle(byte function, ushort address, ushort value) => new(function, address, value);

    public static ModbusRequest WriteCoils(ushort address, IReadOnlyList<bool> values) =>
        new(ModbusFunction.WriteMultipleCoils, address, (ushort)values.Count, coils: values);

    public static ModbusRequest WriteRegisters(ushort address, IReadOnlyList<ushort> values) =>
        new(ModbusFunction.WriteMultipleRegisters, address, (ushort)values.Count, values: values);

    public int WritePdu(Span<byte> pdu) => Function switch
    {
        ModbusFunction.WriteMultipleCoils => ModbusFrame.WriteCoilsRequest(pdu, Address, _coils!),
        ModbusFunction.WriteMultipleRegisters => ModbusFrame.WriteRegistersRequest(pdu, Address, _values!),
        _ => ModbusFrame.WriteAddressAndValue(pdu, Function, Address, _value),
    };

    /// <summary>
    /// Checks the reply frame (header and PDU) whose transaction id matched; fills the caller's buffer
    /// only when everything checks out. Returns what is wrong, or null; an exception response is not
    /// wrong, it comes back in <paramref name="exception"/>.
    /// </summary>
    public string? CheckReply(ReadOnlySpan<byte> frame, byte unit, out ModbusExceptionCode? exception)
    {
        exception = null;
        if (frame[6] != unit)
        {
            return $"unit id {frame[6]}, expected {unit}";
        }

        var pdu = frame[ModbusFrame.HeaderLength..];
        if (pdu[0] == (Function | ModbusFunction.ExceptionFlag))
        {
            // Spec §7: function code | 0x80 and one exception code byte, nothing else.
            if (pdu.Length != 2)
            {
                return $"an exception reply of {pdu.Length} bytes, expected 2";
            }

            exception = (ModbusExceptionCode)pdu[1];
            return null;
        }

        if (pdu[0] != Function)
        {
            return $"function {pdu[0]:D2}, expected {Function:D2}";
        }

        return Function switch
        {
            ModbusFunction.ReadCoils or ModbusFunction.ReadDiscreteInputs => ModbusFrame.ReadBitsReply(pdu, _bits.Span),
            ModbusFunction.ReadHoldingRegisters or ModbusFunction.ReadInputRegisters => ModbusFrame.ReadRegistersReply(pdu, _registers.Span),
            _ => ModbusFrame.EchoProblem(pdu, Address, _value),
        };
    }
}
