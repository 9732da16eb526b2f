using Energy.Telemetry.Modbus;
using Energy.TestSupport.Modbus;

namespace Energy.Telemetry.Tests.Modbus;

/// <summary>The server's request handling from bytes; examples from Application Protocol Spec V1.1b3 §6.</summary>
public sealed class ModbusRequestHandlerTests
{
    private const byte Unit = 1;
    private readonly ModbusDataBank _bank = new();

    public ModbusRequestHandlerTests()
    {
        _bank.SetRegisters(ModbusTable.HoldingRegister, 0x6B, [0x022B, 0x0000, 0x0064]);
        _bank.SetRegisters(ModbusTable.HoldingRegister, 0, [0, 0]);
        _bank.SetRegisters(ModbusTable.InputRegister, 8, [0x000A]);
        _bank.SetBits(ModbusTable.Coil, 0x13, [true, false, true, true, false, false, true, true, true, true, false, true, false, true, true, false, true, false, true]);
        _bank.SetBits(ModbusTable.DiscreteInput, 0xC4, [false, false, true, true, false, true, false, true]);
        _bank.SetBits(ModbusTable.Coil, 0xAC, [false]);
    }

    private byte[]? Answer(byte[] pdu, bool gatewayMode = false, byte unit = Unit)
    {
        var handler = new ModbusRequestHandler(new Dictionary<byte, IModbusDataBank> { [Unit] = _bank }, gatewayMode);
        var response = new byte[ModbusFrame.MaxAduLength];
        var length = handler.Handle(ScriptedModbusDevice.Frame(0x1234, unit, pdu), response);
        if (length == 0)
        {
            return null;
        }

        Assert.Equal(new byte[] { 0x12, 0x34, 0, 0, 0, (byte)(length - 6), unit }, response[..7]);
        return response[7..length];
    }

    [Fact]
    public void ReadHoldingRegisters_SpecExample() =>
        Assert.Equal(new byte[] { 0x03, 0x06, 0x02, 0x2B, 0x00, 0x00, 0x00, 0x64 }, Answer([0x03, 0x00, 0x6B, 0x00, 0x03]));

    [Fact]
    public void ReadInputRegisters_SpecExample() =>
        Assert.Equal(new byte[] { 0x04, 0x02, 0x00, 0x0A }, Answer([0x04, 0x00, 0x08, 0x00, 0x01]));

    [Fact]
    public void ReadCoils_SpecExample() =>
        Assert.Equal(new byte[] { 0x01, 0x03, 0xCD, 0x6B, 0x05 }, Answer([0x01, 0x00, 0x13, 0x00, 0x13]));

    [Fact]
    public void ReadDiscreteInputs_PackedLsbFirst() =>
        Assert.Equal(new byte[] { 0x02, 0x01, 0xAC }, Answer([0x02, 0x00, 0xC4, 0x00, 0x08]));

    [Fact]
    public void WriteSingleCoil_EchoedAndStored()
    {
        Assert.Equal(new byte[] { 0x05, 0x00, 0xAC, 0xFF, 0x00 }, Answer([0x05, 0x00, 0xAC, 0xFF, 0x00]));
        Assert.Equal(new[] { true }, _bank.GetBits(ModbusTable.Coil, 0xAC, 1));
    }

    [Fact]
    public void WriteSingleCoil_ValueOtherThanFF00Or0000_IllegalDataValue() =>
        Assert.Equal(new byte[] { 0x85, 0x03 }, Answer([0x05, 0x00, 0xAC, 0x12, 0x34]));

    [Fact]
    public void WriteSingleRegister_EchoedAndStored()
    {
        Assert.Equal(new byte[] { 0x06, 0x00, 0x01, 0x00, 0x03 }, Answer([0x06, 0x00, 0x01, 0x00, 0x03]));
        Assert.Equal(new ushort[] { 0, 3 }, _bank.GetRegisters(ModbusTable.HoldingRegister, 0, 2));
    }

    [Fact]
    public void WriteMultipleCoils_SpecExample_EchoesAddressAndQuantity()
    {
        Assert.Equal(new byte[] { 0x0F, 0x00, 0x13, 0x00, 0x0A }, Answer([0x0F, 0x00, 0x13, 0x00, 0x0A, 0x02, 0xCD, 0x01]));
        Assert.Equal(new[] { true, false, true, true, false, false, true, true, true, false }, _bank.GetBits(ModbusTable.Coil, 0x13, 10));
    }

    [Fact]
    public void WriteMultipleRegisters_SpecExample_EchoesAddressAndQuantity()
    {
        _bank.SetRegisters(ModbusTable.HoldingRegister, 1, [0, 0]);

        Assert.Equal(new byte[] { 0x10, 0x00, 0x01, 0x00, 0x02 }, Answer([0x10, 0x00, 0x01, 0x00, 0x02, 0x04, 0x00, 0x0A, 0x01, 0x02]));
        Assert.Equal(new ushort[] { 0x000A, 0x0102 }, _bank.GetRegisters(ModbusTable.HoldingRegister, 1, 2));
    }

    [Theory]
    [InlineData(new byte[] { 0x03, 0x00, 0x00, 0x00, 0x00 }, new byte[] { 0x83, 0x03 })]
    [InlineData(new byte[] { 0x03, 0x00, 0x00, 0x00, 0x7E }, new byte[] { 0x83, 0x03 })]
    [InlineData(new byte[] { 0x01, 0x00, 0x00, 0x07, 0xD1 }, new byte[] { 0x81, 0x03 })]
    [InlineData(new byte[] { 0x03, 0xFF, 0xFF, 0x00, 0x02 }, new byte[] { 0x83, 0x02 })]
    [InlineData(new byte[] { 0x03, 0x00, 0x6B, 0x00, 0x04 }, new byte[] { 0x83, 0x02 })]
    [InlineData(new byte[] { 0x04, 0x00, 0x6B, 0x00, 0x01 }, new byte[] { 0x84, 0x02 })]
    [InlineData(new byte[] { 0x06, 0x00, 0x08, 0x00, 0x01 }, new byte[] { 0x86, 0x02 })]
    [InlineData(new byte[] { 0x10, 0x00, 0x00, 0x00, 0x7C, 0x02, 0x00, 0x01 }, new byte[] { 0x90, 0x03 })]
    [InlineData(new byte[] { 0x10, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x01 }, new byte[] { 0x90, 0x03 })]
    [InlineData(new byte[] { 0x0F, 0x00, 0x13, 0x00, 0x0A, 0x01, 0xCD }, new byte[] { 0x8F, 0x03 })]
    [InlineData(new byte[] { 0x2B, 0x0E, 0x01, 0x00 }, new byte[] { 0xAB, 0x01 })]
    [InlineData(new byte[] { 0x08, 0x00, 0x00 }, new byte[] { 0x88, 0x01 })]
    [InlineData(new byte[] { 0x83 }, new byte[] { 0x83, 0x01 })]
    public void BadRequest_ExceptionResponsePerSpecStateDiagrams(byte[] pdu, byte[] expected) =>
        Assert.Equal(expected, Answer(pdu));

    [Theory]
    [InlineData(new byte[] { 0x03, 0x00, 0x00, 0x00 })]
    [InlineData(new byte[] { 0x03, 0x00, 0x00, 0x00, 0x01, 0x00 })]
    [InlineData(new byte[] { 0x05, 0x00, 0xAC, 0xFF })]
    [InlineData(new byte[] { 0x10, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00 })]
    [InlineData(new byte[] { 0x0F, 0x00, 0x00, 0x00 })]
    public void MalformedPdu_ProtocolExceptionSoTheConnectionCloses(byte[] pdu) =>
        Assert.Throws<ModbusProtocolException>(() => Answer(pdu));

    [Fact]
    public void LengthFieldDisagreesWithTheFrame_ProtocolException()
    {
        var handler = new ModbusRequestHandler(new Dictionary<byte, IModbusDataBank> { [Unit] = _bank }, false);
        byte[] request = [0, 1, 0, 0, 0, 9, Unit, 0x03, 0x00, 0x00, 0x00, 0x01];

        Assert.Throws<ModbusProtocolException>(() => handler.Handle(request, new byte[ModbusFrame.MaxAduLength]));
    }

    [Fact]
    public void UnknownUnit_NoAnswer() => Assert.Null(Answer([0x03, 0x00, 0x6B, 0x00, 0x01], unit: 9));

    [Fact]
    public void UnknownUnitInGatewayMode_GatewayTargetFailedToRespond() =>
        Assert.Equal(new byte[] { 0x83, 0x0B }, Answer([0x03, 0x00, 0x6B, 0x00, 0x01], gatewayMode: true, unit: 9));

    [Fact]
    public void RandomRequests_OnlyProtocolExceptionsAndWellFormedResponses()
    {
        var handler = new ModbusRequestHandler(new Dictionary<byte, IModbusDataBank> { [Unit] = _bank, [2] = _bank }, gatewayMode: true);
        var random = new Random(7);
        var response = new byte[ModbusFrame.MaxAduLength];
        for (var i = 0; i < 20_000; i++)
        {
            var pdu = new byte[random.Next(1, 254)];
            random.NextBytes(pdu);
            pdu[0] = (byte)random.Next(0, 20);
            var request = ScriptedModbusDevice.Frame((ushort)i, (byte)random.Next(4), pdu);
            try
            {
                var length = handler.Handle(request, response);
                Assert.InRange(length, 9, ModbusFrame.MaxAduLength);
                Assert.Equal(request[..4], response[..4]);
                Assert.Equal(length - 6, (response[4] << 8) | response[5]);
                Assert.True(response[7] == pdu[0] || response[7] == (pdu[0] | 0x80));
            }
            catch (ModbusProtocolException)
            {
                // Malformed: the server closes this connection; nothing else may escape.
            }
        }
    }
}
