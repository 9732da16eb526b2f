using Energy.Telemetry.Modbus;

namespace Energy.Telemetry.Tests.Modbus;

/// <summary>Request PDUs and reply checks, byte for byte; examples from Application Protocol Spec V1.1b3 §6.</summary>
public sealed class ModbusFrameTests
{
    private static byte[] Pdu(ModbusRequest request)
    {
        var pdu = new byte[ModbusFrame.MaxPduLength];
        return pdu[..request.WritePdu(pdu)];
    }

    // A reply frame for unit 1 around the given PDU; transaction and length are not checked here.
    private static byte[] Frame(params byte[] pdu) => [0, 1, 0, 0, 0, (byte)(pdu.Length + 1), 1, .. pdu];

    [Fact]
    public void WriteHeader_Mbap_TransactionProtocolZeroLengthPlusOneUnit()
    {
        var adu = new byte[7];

        ModbusFrame.WriteHeader(adu, 0x1234, 0x11, 5);

        Assert.Equal(new byte[] { 0x12, 0x34, 0x00, 0x00, 0x00, 0x06, 0x11 }, adu);
        Assert.Equal(new MbapHeader(0x1234, 0, 6, 0x11), ModbusFrame.ReadHeader(adu));
    }

    [Theory]
    [InlineData(0, 2, true)]
    [InlineData(0, 254, true)]
    [InlineData(0, 1, false)]
    [InlineData(0, 0, false)]
    [InlineData(0, 255, false)]
    [InlineData(1, 6, false)]
    [InlineData(0xFFFF, 6, false)]
    public void HeaderProblem_ProtocolAndLength_OnlyModbusBoundsPass(int protocol, int length, bool ok) =>
        Assert.Equal(ok, ModbusFrame.HeaderProblem(new MbapHeader(1, (ushort)protocol, (ushort)length, 1)) is null);

    [Fact]
    public void WritePdu_ReadHoldingRegisters_SpecExample() =>
        Assert.Equal(new byte[] { 0x03, 0x00, 0x6B, 0x00, 0x03 }, Pdu(ModbusRequest.ReadRegisters(3, 0x6B, new ushort[3])));

    [Fact]
    public void WritePdu_ReadCoils_SpecExample() =>
        Assert.Equal(new byte[] { 0x01, 0x00, 0x13, 0x00, 0x13 }, Pdu(ModbusRequest.ReadBits(1, 0x13, new bool[19])));

    [Fact]
    public void WritePdu_WriteSingleCoilOn_FF00() =>
        Assert.Equal(new byte[] { 0x05, 0x00, 0xAC, 0xFF, 0x00 }, Pdu(ModbusRequest.WriteSingle(5, 0xAC, ModbusFrame.CoilOn)));

    [Fact]
    public void WritePdu_WriteMultipleCoils_SpecExample()
    {
        bool[] coils = [true, false, true, true, false, false, true, true, true, false];

        Assert.Equal(new byte[] { 0x0F, 0x00, 0x13, 0x00, 0x0A, 0x02, 0xCD, 0x01 }, Pdu(ModbusRequest.WriteCoils(0x13, coils)));
    }

    [Fact]
    public void WritePdu_WriteMultipleRegisters_SpecExample() =>
        Assert.Equal(
            new byte[] { 0x10, 0x00, 0x01, 0x00, 0x02, 0x04, 0x00, 0x0A, 0x01, 0x02 },
            Pdu(ModbusRequest.WriteRegisters(1, [0x000A, 0x0102])));

    [Fact]
    public void CheckReply_ReadHoldingRegistersSpecExample_FillsRegisters()
    {
        var into = new ushort[3];

        var problem = ModbusRequest.ReadRegisters(3, 0x6B, into).CheckReply(Frame(0x03, 0x06, 0x02, 0x2B, 0x00, 0x00, 0x00, 0x64), 1, out var exception);

        Assert.Null(problem);
        Assert.Null(exception);
        Assert.Equal(new ushort[] { 0x022B, 0x0000, 0x0064 }, into);
    }

    [Fact]
    public void CheckReply_ReadCoilsSpecExample_UnpacksLsbFirst()
    {
        var into = new bool[19];

        Assert.Null(ModbusRequest.ReadBits(1, 0x13, into).CheckReply(Frame(0x01, 0x03, 0xCD, 0x6B, 0x05), 1, out _));

        // 0xCD = 1100 1101: coil 20 is the LSB; 0x05 carries coils 36..38 in its three low bits.
        bool[] expected =
        [
            true, false, true, true, false, false, true, true,
            true, true, false, true, false, true, true, false,
            true, false, true,
        ];
        Assert.Equal(expected, into);
    }

    [Fact]
    public void CheckReply_ExceptionResponse_CodeOut()
    {
        var problem = ModbusRequest.ReadRegisters(3, 0, new ushort[1]).CheckReply(Frame(0x83, 0x02), 1, out var exception);

        Assert.Null(problem);
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, exception);
    }

    [Theory]
    [InlineData(new byte[] { 0x83, 0x02, 0x00 }, "an exception reply of 3 bytes, expected 2")]
    [InlineData(new byte[] { 0x83 }, "an exception reply of 1 bytes, expected 2")]
    [InlineData(new byte[] { 0x04, 0x04, 0, 1, 0, 2 }, "function 04, expected 03")]
    [InlineData(new byte[] { 0x84, 0x02 }, "function 132, expected 03")]
    [InlineData(new byte[] { 0x03, 0x02, 0, 1 }, "byte count 2, expected 4")]
    [InlineData(new byte[] { 0x03, 0x04, 0, 1, 0 }, "3 data bytes after byte count 4")]
    [InlineData(new byte[] { 0x03, 0x04, 0, 1, 0, 2, 0 }, "5 data bytes after byte count 4")]
    [InlineData(new byte[] { 0x03 }, "a reply without byte count")]
    public void CheckReply_MalformedReadReply_ProblemAndNothingFilled(byte[] pdu, string expected)
    {
        var into = new ushort[] { 0xAAAA, 0xAAAA };

        var problem = ModbusRequest.ReadRegisters(3, 0, into).CheckReply(Frame(pdu), 1, out var exception);

        Assert.Equal(expected, problem);
        Assert.Null(exception);
        Assert.Equal(new ushort[] { 0xAAAA, 0xAAAA }, into);
    }

    [Fact]
    public void CheckReply_WrongUnit_Problem() =>
        Assert.Equal("unit id 1, expected 2", ModbusRequest.ReadRegisters(3, 0, new ushort[1]).CheckReply(Frame(0x03, 0x02, 0, 1), 2, out _));

    [Theory]
    [InlineData(new byte[] { 0x06, 0x00, 0x01, 0x00, 0x03 }, null)]
    [InlineData(new byte[] { 0x06, 0x00, 0x02, 0x00, 0x03 }, "echo of address 2 and 3, expected 1 and 3")]
    [InlineData(new byte[] { 0x06, 0x00, 0x01, 0x00, 0x04 }, "echo of address 1 and 4, expected 1 and 3")]
    [InlineData(new byte[] { 0x06, 0x00, 0x01, 0x00 }, "a 4-byte reply, expected 5 bytes echoing the request")]
    public void CheckReply_WriteSingleRegisterEcho_MustMatch(byte[] pdu, string? expected) =>
        Assert.Equal(expected, ModbusRequest.WriteSingle(6, 1, 3).CheckReply(Frame(pdu), 1, out _));

    [Fact]
    public void CheckReply_WriteMultipleRegistersEcho_AddressAndQuantity()
    {
        var request = ModbusRequest.WriteRegisters(1, [0x000A, 0x0102]);

        Assert.Null(request.CheckReply(Frame(0x10, 0x00, 0x01, 0x00, 0x02), 1, out _));
        Assert.NotNull(request.CheckReply(Frame(0x10, 0x00, 0x01, 0x00, 0x03), 1, out _));
    }

    [Fact]
    public void PackBits_UnpackBits_RoundTripWithZeroPadding()
    {
        bool[] bits = [true, false, true, true, false, false, true, true, true, false];
        var packed = new byte[] { 0xFF, 0xFF };

        ModbusFrame.PackBits(bits, packed);
        var back = new bool[bits.Length];
        ModbusFrame.UnpackBits(packed, back);

        Assert.Equal(new byte[] { 0xCD, 0x01 }, packed);
        Assert.Equal(bits, back);
    }
}
