using Energy.Telemetry.Modbus;
using Energy.TestSupport.Modbus;

namespace Energy.Telemetry.Tests.Modbus;

/// <summary>Every function code against a scripted device: the bytes on the wire and the values back.</summary>
public sealed class ModbusTcpClientRequestTests
{
    [Fact]
    public async Task ReadHoldingRegisters_SpecExample_ExactRequestAndValues()
    {
        await using var h = new ClientHarness(request => [ScriptedModbusDevice.Reply(request, 0x03, 0x06, 0x02, 0x2B, 0x00, 0x00, 0x00, 0x64)]);

        var values = await h.Client.ReadHoldingRegistersAsync(0x11, 0x6B, 3, CancellationToken.None);

        Assert.Equal(new ushort[] { 0x022B, 0x0000, 0x0064 }, values);
        Assert.Equal(new byte[] { 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x11, 0x03, 0x00, 0x6B, 0x00, 0x03 }, Assert.Single(h.Device.Requests));
    }

    [Fact]
    public async Task ReadInputRegisters_SpecExample_Function04()
    {
        await using var h = new ClientHarness(request => [ScriptedModbusDevice.Reply(request, 0x04, 0x02, 0x00, 0x0A)]);

        var values = await h.Client.ReadInputRegistersAsync(1, 0x0008, 1, CancellationToken.None);

        Assert.Equal(new ushort[] { 0x000A }, values);
        Assert.Equal(new byte[] { 0x04, 0x00, 0x08, 0x00, 0x01 }, Assert.Single(h.Device.Requests)[7..]);
    }

    [Fact]
    public async Task ReadCoils_SpecExample_BitsLsbFirst()
    {
        await using var h = new ClientHarness(request => [ScriptedModbusDevice.Reply(request, 0x01, 0x03, 0xCD, 0x6B, 0x05)]);

        var bits = await h.Client.ReadCoilsAsync(1, 0x13, 19, CancellationToken.None);

        Assert.Equal("1011001111010110101", string.Concat(bits.Select(b => b ? '1' : '0')));
        Assert.Equal(new byte[] { 0x01, 0x00, 0x13, 0x00, 0x13 }, Assert.Single(h.Device.Requests)[7..]);
    }

    [Fact]
    public async Task ReadDiscreteInputs_SpecExample_Function02()
    {
        await using var h = new ClientHarness(request => [ScriptedModbusDevice.Reply(request, 0x02, 0x03, 0xAC, 0xDB, 0x35)]);

        var bits = await h.Client.ReadDiscreteInputsAsync(1, 0x00C4, 22, CancellationToken.None);

        // 0xAC = 1010 1100 → inputs 197..204 read 0,0,1,1,0,1,0,1 from the LSB.
        Assert.Equal("0011010111011011101011", string.Concat(bits.Select(b => b ? '1' : '0')));
        Assert.Equal(new byte[] { 0x02, 0x00, 0xC4, 0x00, 0x16 }, Assert.Single(h.Device.Requests)[7..]);
    }

    [Theory]
    [InlineData(true, 0xFF)]
    [InlineData(false, 0x00)]
    public async Task WriteSingleCoil_OnOrOff_FF00Or0000(bool value, byte high)
    {
        await using var h = new ClientHarness();

        await h.Client.WriteSingleCoilAsync(1, 0x00AC, value, CancellationToken.None);

        Assert.Equal(new byte[] { 0x05, 0x00, 0xAC, high, 0x00 }, Assert.Single(h.Device.Requests)[7..]);
    }

    [Fact]
    public async Task WriteSingleRegister_SpecExample_Echoed()
    {
        await using var h = new ClientHarness();

        await h.Client.WriteSingleRegisterAsync(1, 0x0001, 0x0003, CancellationToken.None);

        Assert.Equal(new byte[] { 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, 0x06, 0x00, 0x01, 0x00, 0x03 }, Assert.Single(h.Device.Requests));
    }

    [Fact]
    public async Task WriteMultipleCoils_SpecExample_PackedLsbFirst()
    {
        await using var h = new ClientHarness();

        await h.Client.WriteMultipleCoilsAsync(1, 0x0013, [true, false, true, true, false, false, true, true, true, false], CancellationToken.None);

        Assert.Equal(new byte[] { 0x0F, 0x00, 0x13, 0x00, 0x0A, 0x02, 0xCD, 0x01 }, Assert.Single(h.Device.Requests)[7..]);
    }

    [Fact]
    public async Task WriteMultipleRegisters_SpecExample_LengthFieldCountsUnitAndPdu()
    {
        await using var h = new ClientHarness();

        await h.Client.WriteMultipleRegistersAsync(1, 0x0001, [0x000A, 0x0102], CancellationToken.None);

        Assert.Equal(
            new byte[] { 0x00, 0x01, 0x00, 0x00, 0x00, 0x0B, 0x01, 0x10, 0x00, 0x01, 0x00, 0x02, 0x04, 0x00, 0x0A, 0x01, 0x02 },
            Assert.Single(h.Device.Requests));
    }

    [Fact]
    public async Task ReadRegisters_300_SplitInto125And125And50()
    {
        await using var h = new ClientHarness();

        var values = await h.Client.ReadRegistersAsync(ModbusTable.InputRegister, 1, 1000, 300, CancellationToken.None);

        Assert.Equal(Enumerable.Range(1000, 300).Select(DeviceScripts.Register), values);
        Assert.Equal([(1000, 125), (1125, 125), (1250, 50)], h.Device.Requests.Select(r => ((int)DeviceScripts.Address(r), (int)DeviceScripts.Quantity(r))));
        Assert.All(h.Device.Requests, r => Assert.Equal(4, DeviceScripts.Function(r)));
    }

    [Fact]
    public async Task ReadBits_4500_SplitInto2000And2000And500()
    {
        await using var h = new ClientHarness();

        var bits = await h.Client.ReadBitsAsync(ModbusTable.Coil, 1, 10, 4500, CancellationToken.None);

        Assert.Equal(Enumerable.Range(10, 4500).Select(DeviceScripts.Coil), bits);
        Assert.Equal([2000, 2000, 500], h.Device.Requests.Select(r => (int)DeviceScripts.Quantity(r)));
    }

    [Fact]
    public async Task ReadRegisters_UpToTheLastAddress_Allowed()
    {
        await using var h = new ClientHarness();

        var values = await h.ReadAsync(count: 2, address: 65534);

        Assert.Equal(new[] { DeviceScripts.Register(65534), DeviceScripts.Register(65535) }, values);
    }

    [Fact]
    public async Task Requests_TransactionIdsCountUpOnOneConnection()
    {
        await using var h = new ClientHarness();

        for (var i = 0; i < 3; i++)
        {
            await h.ReadAsync();
        }

        Assert.Equal([1, 2, 3], h.Device.Requests.Select(r => (r[0] << 8) | r[1]));
        Assert.Equal(1, h.Device.Connections);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 0)]
    [InlineData(2, 65535)]
    [InlineData(65537, 0)]
    public async Task ReadRegisters_CountOutOfRange_ArgumentOutOfRangeAndNothingSent(int count, int address)
    {
        await using var h = new ClientHarness();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.ReadAsync(count, (ushort)address));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.Client.ReadCoilsAsync(1, (ushort)address, count, CancellationToken.None).AsTask());
        Assert.Empty(h.Device.Requests);
    }

    [Fact]
    public async Task Writes_BeyondTheFunctionLimit_ArgumentOutOfRangeNotSplit()
    {
        await using var h = new ClientHarness();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.Client.WriteMultipleRegistersAsync(1, 0, new ushort[124], CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.Client.WriteMultipleCoilsAsync(1, 0, new bool[1969], CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.Client.WriteMultipleRegistersAsync(1, 0, [], CancellationToken.None).AsTask());
        await h.Client.WriteMultipleRegistersAsync(1, 0, new ushort[123], CancellationToken.None);
        await h.Client.WriteMultipleCoilsAsync(1, 0, new bool[1968], CancellationToken.None);
        Assert.Equal(2, h.Device.Requests.Count);
    }

    [Fact]
    public async Task ReadRegistersAndBits_WrongKindOfTable_ArgumentException()
    {
        await using var h = new ClientHarness();

        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.ReadRegistersAsync(ModbusTable.Coil, 1, 0, 1, CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.ReadBitsAsync(ModbusTable.InputRegister, 1, 0, 1, CancellationToken.None).AsTask());
    }

    [Theory]
    [InlineData(0x01, false)]
    [InlineData(0x02, false)]
    [InlineData(0x03, false)]
    [InlineData(0x04, true)]
    [InlineData(0x05, true)]
    [InlineData(0x06, true)]
    [InlineData(0x0A, true)]
    [InlineData(0x0B, true)]
    public async Task ExceptionResponse_DeviceExceptionAndTheConnectionStays(byte code, bool retryable)
    {
        await using var h = new ClientHarness(DeviceScripts.Refusing(code));

        var e = await Assert.ThrowsAsync<ModbusDeviceException>(() => h.ReadAsync());
        await Assert.ThrowsAsync<ModbusDeviceException>(() => h.Client.WriteSingleCoilAsync(1, 0, true, CancellationToken.None).AsTask());

        Assert.Equal((ModbusExceptionCode)code, e.Code);
        Assert.Equal(3, e.FunctionCode);
        Assert.Equal(retryable, e.IsRetryable);
        Assert.StartsWith("meter.test:502 unit 1 answered ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"(exception {code:X2}) for function 03", e.Message, StringComparison.Ordinal);
        Assert.True(h.Client.IsConnected);
        Assert.Equal(1, h.Device.Connections);
    }

    [Fact]
    public async Task ExceptionResponse_IllegalDataAddress_MessageInWords()
    {
        await using var h = new ClientHarness(DeviceScripts.Refusing(0x02));

        var e = await Assert.ThrowsAsync<ModbusDeviceException>(() => h.ReadAsync());

        Assert.Equal("meter.test:502 unit 1 answered illegal data address (exception 02) for function 03", e.Message);
    }

    [Fact]
    public async Task ExceptionResponse_ForOneChunkOfASplitRead_NoPartialResult()
    {
        var calls = 0;
        await using var h = new ClientHarness(request => ++calls == 2 ? DeviceScripts.Refusing(0x02)(request) : DeviceScripts.Healthy(request));

        await Assert.ThrowsAsync<ModbusDeviceException>(() => h.ReadAsync(count: 300));

        Assert.Equal(2, h.Device.Requests.Count);
    }
}
