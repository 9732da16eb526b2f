using Energy.Telemetry.Mqtt;

namespace Energy.Telemetry.Tests.Mqtt;

public sealed class MqttBrokerOptionsTests
{
    [Theory]
    [InlineData("mqtt://broker.plant.local", "broker.plant.local", 1883, false)]
    [InlineData("mqtt://10.0.0.7:1884", "10.0.0.7", 1884, false)]
    [InlineData("mqtts://broker.plant.local", "broker.plant.local", 8883, true)]
    [InlineData("mqtts://broker.plant.local:9883/", "broker.plant.local", 9883, true)]
    [InlineData("MQTT://Broker:1883", "broker", 1883, false)]
    [InlineData("mqtt://[::1]:1883", "::1", 1883, false)]
    [InlineData("  mqtt://127.0.0.1:1883  ", "127.0.0.1", 1883, false)]
    public void TryParse_Valid_HostPortAndTls(string uri, string host, int port, bool tls)
    {
        Assert.True(MqttBrokerOptions.TryParse(uri, "heatgrid-1", out var options, out var error), error);

        Assert.Equal(host, options.Host);
        Assert.Equal(port, options.Port);
        Assert.Equal(tls, options.UseTls);
        Assert.Equal("heatgrid-1", options.ClientId);
        Assert.Null(options.Username);
        Assert.Null(options.Password);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("mqtt://heatgrid:secret@host", "heatgrid", "secret")]
    [InlineData("mqtt://heat%40grid:p%40ss%3Aw%2Frd@host:1883", "heat@grid", "p@ss:w/rd")]
    [InlineData("mqtt://us%3Aer:pa:ss@host", "us:er", "pa:ss")]
    [InlineData("mqtt://heatgrid@host", "heatgrid", null)]
    [InlineData("mqtt://heatgrid:@host", "heatgrid", "")]
    [InlineData("mqtt://h%C3%A9at:%E2%82%AC5@host", "héat", "€5")]
    public void TryParse_UserInfo_PercentDecoded(string uri, string user, string? password)
    {
        Assert.True(MqttBrokerOptions.TryParse(uri, "c", out var options, out var error), error);

        Assert.Equal(user, options.Username);
        Assert.Equal(password, options.Password);
        Assert.Equal("host", options.Host);
    }

    [Theory]
    [InlineData("tcp://host:1883", "mqtt://")]
    [InlineData("http://host", "mqtt://")]
    [InlineData("host:1883", "mqtt://")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("mqtt://", "host")]
    [InlineData("mqtt://:1883", "")]
    [InlineData("mqtt://user:pw@:1883", "")]
    [InlineData("mqtt://host:0", "port 0")]
    [InlineData("mqtt://host:70000", "port")]
    [InlineData("mqtt://host/topic", "path")]
    [InlineData("mqtt://host?x=1", "query")]
    public void TryParse_Invalid_SaysWhy(string uri, string expected)
    {
        Assert.False(MqttBrokerOptions.TryParse(uri, "c", out var options, out var error));

        Assert.Null(options);
        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_EmptyClientId_SaysWhy()
    {
        Assert.False(MqttBrokerOptions.TryParse("mqtt://host", " ", out _, out var error));

        Assert.Contains("client id", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_BadUriWithPassword_ErrorHidesThePassword()
    {
        Assert.False(MqttBrokerOptions.TryParse("mqtt://heatgrid:hunter2@host/x", "c", out _, out var error));

        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
        Assert.Contains("heatgrid:***@host", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mqtt://heatgrid:hunter2@broker:1884", "mqtt://heatgrid@broker:1884")]
    [InlineData("mqtts://heat%40grid:hunter2@broker", "mqtts://heat%40grid@broker:8883")]
    [InlineData("mqtt://broker", "mqtt://broker:1883")]
    [InlineData("mqtt://[::1]:1883", "mqtt://[::1]:1883")]
    public void ToString_HostPortAndUser_NeverThePassword(string uri, string expected)
    {
        Assert.True(MqttBrokerOptions.TryParse(uri, "c", out var options, out _));

        Assert.Equal(expected, options.ToString());
        Assert.DoesNotContain("hunter2", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_PersistentSessionAndBackoff()
    {
        var options = new MqttBrokerOptions { Host = "h", ClientId = "c" };

        Assert.Equal(1883, options.Port);
        Assert.False(options.UseTls);
        Assert.False(options.AllowUntrustedCertificates);
        Assert.Equal(TimeSpan.FromSeconds(15), options.KeepAlive);
        Assert.Equal(TimeSpan.FromHours(1), options.SessionExpiry);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.InitialBackoff);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxBackoff);
        Assert.Null(options.StatusTopic);
    }
}
