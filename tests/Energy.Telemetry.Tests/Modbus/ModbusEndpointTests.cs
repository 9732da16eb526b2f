using Energy.Telemetry.Modbus;

namespace Energy.Telemetry.Tests.Modbus;

public sealed class ModbusEndpointTests
{
    [Theory]
    [InlineData("10.0.0.5:1502", "10.0.0.5", 1502)]
    [InlineData("10.0.0.5", "10.0.0.5", 502)]
    [InlineData("heat-meter.plant.local:502", "heat-meter.plant.local", 502)]
    [InlineData("gateway_2", "gateway_2", 502)]
    [InlineData("  10.0.0.5:502  ", "10.0.0.5", 502)]
    [InlineData("[::1]:1502", "::1", 1502)]
    [InlineData("[fe80::1]", "fe80::1", 502)]
    [InlineData("fe80::1", "fe80::1", 502)]
    [InlineData("host:65535", "host", 65535)]
    public void TryParse_Valid_HostAndPort(string text, string host, int port)
    {
        Assert.True(ModbusEndpoint.TryParse(text, out var endpoint));
        Assert.Equal(new ModbusEndpoint(host, port), endpoint);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData(":502")]
    [InlineData("host:")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:-1")]
    [InlineData("host:50x")]
    [InlineData("host name:502")]
    [InlineData("[::1")]
    [InlineData("[::1]502")]
    [InlineData("[10.0.0.5]:502")]
    [InlineData("[]:502")]
    [InlineData("tcp://host:502")]
    [InlineData("not::an::address")]
    public void TryParse_Invalid_False(string? text)
    {
        Assert.False(ModbusEndpoint.TryParse(text, out var endpoint));
        Assert.Null(endpoint);
    }

    [Theory]
    [InlineData("10.0.0.5:502")]
    [InlineData("[::1]:1502")]
    public void ToString_ParsesBack(string text)
    {
        var endpoint = ModbusEndpoint.Parse(text);

        Assert.Equal(text, endpoint.ToString());
        Assert.Equal(endpoint, ModbusEndpoint.Parse(endpoint.ToString()));
    }

    [Fact]
    public void Parse_Invalid_FormatExceptionQuotesTheText()
    {
        var e = Assert.Throws<FormatException>(() => ModbusEndpoint.Parse("host:0"));

        Assert.Contains("'host:0'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 502)]
    [InlineData("host", 0)]
    [InlineData("host", 70000)]
    public void Constructor_OutOfRange_Throws(string host, int port) =>
        Assert.ThrowsAny<ArgumentException>(() => new ModbusEndpoint(host, port));
}
