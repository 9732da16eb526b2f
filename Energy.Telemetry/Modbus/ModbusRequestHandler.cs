using System.Buffers.Binary;

namespace Energy.Telemetry.Modbus;

/// <summary>
/// The server's side of one request, from bytes to bytes: checks the request ADU, asks the unit's
/// <see cref="IModbusDataBank"/> and writes the response ADU. Quantity and address checks follow
/// the state diagrams of Application Protocol Spec V1.1b3 §6: a quantity outside the function's
/// limits is exception 03, a range past address 65535 is exception 02. A PDU whose length does not
/// fit its function is not a request at all: the connection is closed.
/// </summary>
internal sealed class ModbusRequestHandler(IReadOnlyDictionary<byte, IModbusDataBank> units, bool gatewayMode)
{
    /// <summary>Answers one request.</summary>
    /// <param name="request">One whole ADU, header included.</param>
    /// <param name="response">At least <see cref="ModbusFrame.MaxAduLength"/> bytes.</param>
    /// <returns>The response ADU's length, or 0 when the request gets no answer (unknown unit id).</returns>
    /// <exception cref="ModbusProtocolException">The request is malformed; the connection should close.</exception>
    public int Handle(ReadOnlySpan<byte> request, Span<byte> response)
    {
        if (request.Length <= ModbusFrame.HeaderLength)
        {
            throw new ModbusProtocolException($"a {request.Length}-byte request has no PDU");
        }

        var header = ModbusFrame.ReadHeader(request);
        if (ModbusFrame.HeaderProblem(header) is { } problem)
        {
            throw new ModbusProtocolException(problem);
        }

        if (header.FrameLength != request.Length)
        {
            throw new ModbusProtocolException($"length field {header.Length} in a {request.Length}-byte request");
        }

        var pdu = request[ModbusFrame.HeaderLength..];
        var into = response[ModbusFrame.HeaderLength..];
        int length;
        if (units.TryGetValue(header.Unit, out var bank))
        {
            length = Dispatch(bank, pdu, into);
        }
        else if (gatewayMode)
        {
            // What a gateway answers when the unit behind it stays silent (spec §7, code 0B).
            length = Exception(into, pdu[0], ModbusExceptionCode.GatewayTargetFailedToRespond);
        }
        else
        {
            // A real device ignores frames for other unit ids; a client then times out.
            return 0;
        }

        ModbusFrame.WriteHeader(response, header.TransactionId, header.Unit, length);
        return ModbusFrame.HeaderLength + length;
    }

    private static int Dispatch(IModbusDataBank bank, ReadOnlySpan<byte> pdu, Span<byte> into) => pdu[0] switch
    {
        ModbusFunction.ReadCoils => ReadBits(bank, ModbusTable.Coil, pdu, into),
        ModbusFunction.ReadDiscreteInputs => ReadBits(bank, ModbusTable.DiscreteInput, pdu, into),
        ModbusFunction.ReadHoldingRegisters => ReadRegisters(bank, ModbusTable.HoldingRegister, pdu, into),
        ModbusFunction.ReadInputRegisters => ReadRegisters(bank, ModbusTable.InputRegister, pdu, into),
        ModbusFunction.WriteSingleCoil => WriteSingleCoil(bank, pdu, into),
        ModbusFunction.WriteSingleRegister => WriteSingleRegister(bank, pdu, into),
        ModbusFunction.WriteMultipleCoils => WriteCoils(bank, pdu, into),
        ModbusFunction.WriteMultipleRegisters => WriteRegisters(bank, pdu, into),
        _ => Exception(into, pdu[0], ModbusExceptionCode.IllegalFunction),
    };

    private static int ReadBits(IModbusDataBank bank, ModbusTable table, ReadOnlySpan<byte> pdu, Span<byte> into)
    {
        var (address, count) = AddressAndValue(pdu, 5);
        if (RangeProblem(address, count, ModbusFrame.MaxReadBits) is { } problem)
        {
            return Exception(into, pdu[0], problem);
        }

        Span<bool> bits = stackalloc bool[count];
        if (bank.ReadBits(table, address, count, bits) is { } code)
        {
            return Exception(into, pdu[0], code);
        }

        var byteCount = (count + 7) / 8;
        into[0] = pdu[0];
        into[1] = (byte)byteCount;
        ModbusFrame.PackBits(bits, into[2..]);
        return 2 + byteCount;
    }

    private static int ReadRegisters(IModbusDataBank bank, ModbusTable table, ReadOnlySpan<byte> pdu, Span<byte> into)
    {
        var (address, count) = AddressAndValue(pdu, 5);
        if (RangeProblem(address, count, ModbusFrame.MaxReadRegisters) is { } problem)
        {
            return Exception(into, pdu[0], problem);
        }

        Span<ushort> registers = stackalloc ushort[count];
        if (bank.ReadRegisters(table, address, count, registers) is { } code)
        {
            return Exception(into, pdu[0], code);
        }

        into[0] = pdu[0];
        into[1] = (byte)(2 * count);
        ModbusFrame.WriteRegisters(registers, into[2..]);
        return 2 + (2 * count);
    }

    private static int WriteSingleCoil(IModbusDataBank bank, ReadOnlySpan<byte> pdu, Span<byte> into)
    {
        var (address, value) = AddressAndValue(pdu, 5);
        if (value is not (ModbusFrame.CoilOn or 0))
        {
            return Exception(into, pdu[0], ModbusExceptionCode.IllegalDataValue);
        }

        ReadOnlySpan<bool> bit = [value == ModbusFrame.CoilOn];
        return bank.WriteBits(address, bit) is { } code ? Exception(into, pdu[0], code) : Echo(pdu, into);
    }

    private static int WriteSingleRegister(IModbusDataBank bank, ReadOnlySpan<byte> pdu, Span<byte> into)
    {
        var (address, value) = AddressAndValue(pdu, 5);
        ReadOnlySpan<ushort> register = [value];
        return bank.WriteRegisters(address, register) is { } code ? Exception(into, pdu[0], code) : Echo(pdu, into);
    }

    private static int WriteCoils(IModbusDataBank bank, ReadOnlySpan<byte> pdu, Span<byte> into)
    {
        var (address, count) = AddressCountAndData(pdu, out var data);
        if (RangeProblem(address, count, ModbusFrame.MaxWriteCoils) is { } problem)
        {
            return Exception(into, pdu[0], problem);
        }

        if (data.Length != (count + 7) / 8)
        {
            return Exception(into, pdu[0], ModbusExceptionCode.IllegalDataValue);
        }

        Span<bool> bits = stackalloc bool[count];
        ModbusFrame.UnpackBits(data, bits);
        return bank.WriteBits(address, bits) is { } code ? Exception(into, pdu[0], code) : Echo(pdu, into);
    }

    private static int WriteRegisters(IModbusDataBank bank, ReadOnlySpan<byte> pdu, Span<byte> into)
    {
        var (address, count) = AddressCountAndData(pdu, out var data);
        if (RangeProblem(address, count, ModbusFrame.MaxWriteRegisters) is { } problem)
        {
            return Exception(into, pdu[0], problem);
        }

        if (data.Length != 2 * count)
        {
            return Exception(into, pdu[0], ModbusExceptionCode.IllegalDataValue);
        }

        Span<ushort> registers = stackalloc ushort[count];
        ModbusFrame.ReadRegisters(data, registers);
        return bank.WriteRegisters(address, registers) is { } code ? Exception(into, pdu[0], code) : Echo(pdu, into);
    }

    private static (ushort Address, ushort Value) AddressAndValue(ReadOnlySpan<byte> pdu, int length)
    {
        if (pdu.Length != length)
        {
            throw new ModbusProtocolException($"function {pdu[0]:D2} with a {pdu.Length}-byte PDU, expected {length}");
        }

        return (BinaryPrimitives.ReadUInt16BigEndian(pdu[1..]), BinaryPrimitives.ReadUInt16BigEndian(pdu[3..]));
    }

    // FC 15/16: address, quantity, byte count, data; the byte count must describe the PDU exactly.
    private static (ushort Address, ushort Count) AddressCountAndData(ReadOnlySpan<byte> pdu, out ReadOnlySpan<byte> data)
    {
        if (pdu.Length < 6 || pdu.Length != 6 + pdu[5])
        {
            throw new ModbusProtocolException($"function {pdu[0]:D2} with a {pdu.Length}-byte PDU that does not match its byte count");
        }

        data = pdu[6..];
        return (BinaryPrimitives.ReadUInt16BigEndian(pdu[1..]), BinaryPrimitives.ReadUInt16BigEndian(pdu[3..]));
    }

    private static ModbusExceptionCode? RangeProblem(ushort address, ushort count, int maxCount) =>
        count < 1 || count > maxCount ? ModbusExceptionCode.IllegalDataValue
        : address + count > 65536 ? ModbusExceptionCode.IllegalDataAddress
        : null;

    private static int Echo(ReadOnlySpan<byte> pdu, Span<byte> into)
    {
        pdu[..5].CopyTo(into);
        return 5;
    }

    private static int Exception(Span<byte> into, byte function, ModbusExceptionCode code)
    {
        into[0] = (byte)(function | ModbusFunction.ExceptionFlag);
        into[1] = (byte)code;
        return 2;
    }
}
