using System.Buffers.Binary;

namespace Energy.Telemetry.Modbus;

/// <summary>
/// Modbus TCP framing: the MBAP header (Implementation Guide V1.0b §3.1.3) in front of a PDU
/// (Application Protocol Spec V1.1b3 §4.1), request PDUs, and strict checks of reply PDUs. All
/// multi-byte fields are big-endian (spec §4.2). Checks return what is wrong, or null, rather than
/// throwing: the caller adds which device said it and decides what to do with the connection.
/// </summary>
internal static class ModbusFrame
{
    /// <summary>Transaction id, protocol id, length (two bytes each) and unit id.</summary>
    public const int HeaderLength = 7;

    /// <summary>The RS-485 ADU limit of 256 bytes minus slave address and CRC (spec §4.1).</summary>
    public const int MaxPduLength = 253;

    public const int MaxAduLength = HeaderLength + MaxPduLength;

    // The quantity limits of spec §6.1–6.4, §6.11 and §6.12: each keeps its PDU within 253 bytes.
    public const int MaxReadBits = 2000;
    public const int MaxReadRegisters = 125;
    public const int MaxWriteCoils = 1968;
    public const int MaxWriteRegisters = 123;

    /// <summary>FC 5 writes 0xFF00 for ON and 0x0000 for OFF; other values are illegal (spec §6.5).</summary>
    public const ushort CoilOn = 0xFF00;

    public static void WriteHeader(Span<byte> adu, ushort transactionId, byte unit, int pduLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(adu, transactionId);
        BinaryPrimitives.WriteUInt16BigEndian(adu[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(adu[4..], checked((ushort)(pduLength + 1)));
        adu[6] = unit;
    }

    public static MbapHeader ReadHeader(ReadOnlySpan<byte> adu) => new(
        BinaryPrimitives.ReadUInt16BigEndian(adu),
        BinaryPrimitives.ReadUInt16BigEndian(adu[2..]),
        BinaryPrimitives.ReadUInt16BigEndian(adu[4..]),
        adu[6]);

    /// <summary>
    /// Why a header cannot start a Modbus frame, or null. The length counts the unit id and a PDU of
    /// 1..253 bytes, so it lies in 2..254; anything else means the stream is not framed as Modbus.
    /// </summary>
    public static string? HeaderProblem(in MbapHeader header) =>
        header.ProtocolId != 0 ? $"protocol id {header.ProtocolId}, expected 0"
        : header.Length is < 2 or > MaxPduLength + 1 ? $"length field {header.Length}, expected 2..{MaxPduLength + 1}"
        : null;

    /// <summary>FC 1–6: function, then two 16-bit fields (address and quantity, or address and value).</summary>
    public static int WriteAddressAndValue(Span<byte> pdu, byte function, ushort address, ushort value)
    {
        pdu[0] = function;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], value);
        return 5;
    }

    /// <summary>FC 15 (spec §6.11): address, quantity, byte count, then the coils packed LSB first.</summary>
    public static int WriteCoilsRequest(Span<byte> pdu, ushort address, IReadOnlyList<bool> values)
    {
        var byteCount = (values.Count + 7) / 8;
        WriteAddressAndValue(pdu, ModbusFunction.WriteMultipleCoils, address, (ushort)values.Count);
        pdu[5] = (byte)byteCount;
        var packed = pdu.Slice(6, byteCount);
        packed.Clear();
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i])
            {
                packed[i >> 3] |= (byte)(1 << (i & 7));
            }
        }

        return 6 + byteCount;
    }

    /// <summary>FC 16 (spec §6.12): address, quantity, byte count, then the registers big-endian.</summary>
    public static int WriteRegistersRequest(Span<byte> pdu, ushort address, IReadOnlyList<ushort> values)
    {
        WriteAddressAndValue(pdu, ModbusFunction.WriteMultipleRegisters, address, (ushort)values.Count);
        pdu[5] = (byte)(2 * values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(pdu[(6 + (2 * i))..], values[i]);
        }

        return 6 + (2 * values.Count);
    }

    /// <summary>A FC 1/2 reply (spec §6.1, §6.2): byte count = ⌈count / 8⌉, then exactly that many bytes.</summary>
    public static string? ReadBitsReply(ReadOnlySpan<byte> pdu, Span<bool> into)
    {
        if (DataOf(pdu, (into.Length + 7) / 8) is { } problem)
        {
            return problem;
        }

        UnpackBits(pdu[2..], into);
        return null;
    }

    /// <summary>A FC 3/4 reply (spec §6.3, §6.4): byte count = 2 × count, then exactly that many bytes.</summary>
    public static string? ReadRegistersReply(ReadOnlySpan<byte> pdu, Span<ushort> into)
    {
        if (DataOf(pdu, 2 * into.Length) is { } problem)
        {
            return problem;
        }

        ReadRegisters(pdu[2..], into);
        return null;
    }

    /// <summary>A FC 5/6/15/16 reply: the request's address and value (or quantity) echoed, 5 bytes in all.</summary>
    public static string? EchoProblem(ReadOnlySpan<byte> pdu, ushort address, ushort value)
    {
        if (pdu.Length != 5)
        {
            return $"a {pdu.Length}-byte reply, expected 5 bytes echoing the request";
        }

        var echoedAddress = BinaryPrimitives.ReadUInt16BigEndian(pdu[1..]);
        var echoedValue = BinaryPrimitives.ReadUInt16BigEndian(pdu[3..]);
        return echoedAddress != address || echoedValue != value
            ? $"echo of address {echoedAddress} and {echoedValue}, expected {address} and {value}"
            : null;
    }

    /// <summary>Bits packed LSB first, the first bit in the first byte (spec §6.1).</summary>
    public static void UnpackBits(ReadOnlySpan<byte> packed, Span<bool> into)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] = (packed[i >> 3] & (1 << (i & 7))) != 0;
        }
    }

    /// <summary>The inverse of <see cref="UnpackBits"/>; unused high bits of the last byte are zero.</summary>
    public static void PackBits(ReadOnlySpan<bool> bits, Span<byte> into)
    {
        into[..((bits.Length + 7) / 8)].Clear();
        for (var i = 0; i < bits.Length; i++)
        {
            if (bits[i])
            {
                into[i >> 3] |= (byte)(1 << (i & 7));
            }
        }
    }

    public static void ReadRegisters(ReadOnlySpan<byte> data, Span<ushort> into)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] = BinaryPrimitives.ReadUInt16BigEndian(data[(2 * i)..]);
        }
    }

    public static void WriteRegisters(ReadOnlySpan<ushort> registers, Span<byte> into)
    {
        for (var i = 0; i < registers.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(into[(2 * i)..], registers[i]);
        }
    }

    private static string? DataOf(ReadOnlySpan<byte> pdu, int byteCount)
    {
        if (pdu.Length < 2)
        {
            return "a reply without byte count";
        }

        if (pdu[1] != byteCount)
        {
            return $"byte count {pdu[1]}, expected {byteCount}";
        }

        return pdu.Length != 2 + byteCount
            ? $"{pdu.Length - 2} data bytes after byte count {byteCount}"
            : null;
    }
}
