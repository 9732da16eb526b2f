using Energy.Telemetry.Modbus;

namespace Energy.Telemetry.Tests.Modbus;

public sealed class ModbusExceptionTests
{
    [Theory]
    [InlineData(ModbusExceptionCode.IllegalFunction, "illegal function (exception 01) for function 03", false)]
    [InlineData(ModbusExceptionCode.IllegalDataAddress, "illegal data address (exception 02) for function 03", false)]
    [InlineData(ModbusExceptionCode.IllegalDataValue, "illegal data value (exception 03) for function 03", false)]
    [InlineData(ModbusExceptionCode.ServerDeviceFailure, "server device failure (exception 04) for function 03", true)]
    [InlineData(ModbusExceptionCode.Acknowledge, "acknowledge (request accepted, still running) (exception 05) for function 03", true)]
    [InlineData(ModbusExceptionCode.ServerDeviceBusy, "server device busy (exception 06) for function 03", true)]
    [InlineData(ModbusExceptionCode.MemoryParityError, "memory parity error (exception 08) for function 03", false)]
    [InlineData(ModbusExceptionCode.GatewayPathUnavailable, "gateway path unavailable (exception 0A) for function 03", true)]
    [InlineData(ModbusExceptionCode.GatewayTargetFailedToRespond, "gateway target device failed to respond (exception 0B) for function 03", true)]
    [InlineData((ModbusExceptionCode)0x55, "unknown exception (exception 55) for function 03", false)]
    public void DeviceException_Code_NamedInWordsWithRetryability(ModbusExceptionCode code, string message, bool retryable)
    {
        var e = new ModbusDeviceException(3, code);

        Assert.Equal(message, e.Message);
        Assert.Equal(retryable, e.IsRetryable);
        Assert.Equal(code, e.Code);
        Assert.Equal(3, e.FunctionCode);
    }

    [Fact]
    public void DeviceException_WithSource_NamesTheDeviceFirst()
    {
        var e = new ModbusDeviceException(16, ModbusExceptionCode.IllegalDataAddress, "10.0.0.5:502 unit 3");

        Assert.Equal("10.0.0.5:502 unit 3 answered illegal data address (exception 02) for function 16", e.Message);
    }

    [Fact]
    public void TimeoutException_NamesEndpointUnitAndTimeout()
    {
        var e = new ModbusTimeoutException(new ModbusEndpoint("10.0.0.5", 502), 7, TimeSpan.FromSeconds(1));

        Assert.Equal("no reply from 10.0.0.5:502 unit 7 within 1000 ms", e.Message);
        Assert.True(e.IsRetryable);
    }

    [Fact]
    public void Retryability_TransportErrors_Retryable()
    {
        Assert.True(new ModbusConnectionException("down").IsRetryable);
        Assert.True(new ModbusProtocolException("garbled").IsRetryable);
        Assert.False(new ModbusException("base").IsRetryable);
        Assert.IsAssignableFrom<ModbusException>(new ModbusDeviceException(3, ModbusExceptionCode.IllegalFunction));
    }
}
