using System.Net;
using System.Text;
using Energy.Telemetry.Mqtt;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Energy.Telemetry.Tests.Mqtt;

public sealed class MqttConnectOptionsTests
{
    private static readonly MqttBrokerOptions Options = new() { Host = "broker", Port = 1884, ClientId = "heatgrid-site-1" };

    [Fact]
    public void Build_Defaults_PersistentMqtt5Session()
    {
        var connect = MqttConnectOptions.Build(Options);

        Assert.Equal(MqttProtocolVersion.V500, connect.ProtocolVersion);
        Assert.Equal("heatgrid-site-1", connect.ClientId);
        Assert.False(connect.CleanSession);
        Assert.Equal(3600u, connect.SessionExpiryInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), connect.KeepAlivePeriod);
        Assert.Equal(TimeSpan.FromSeconds(10), connect.Timeout);
        Assert.Null(connect.WillTopic);
        Assert.Null(connect.Credentials);
        var tcp = Assert.IsType<MqttClientTcpOptions>(connect.ChannelOptions);
        Assert.False(tcp.TlsOptions.UseTls);
        var endpoint = Assert.IsType<DnsEndPoint>(tcp.RemoteEndpoint);
        Assert.Equal(("broker", 1884), (endpoint.Host, endpoint.Port));
    }

    [Fact]
    public void Build_StatusTopic_OfflineRetainedQos1Will()
    {
        var connect = MqttConnectOptions.Build(Options with { StatusTopic = "heatgrid/site-1/status" });

        Assert.Equal("heatgrid/site-1/status", connect.WillTopic);
        Assert.Equal("offline", Encoding.UTF8.GetString(connect.WillPayload));
        Assert.True(connect.WillRetain);
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, connect.WillQualityOfServiceLevel);
    }

    [Fact]
    public void Build_TlsWithUntrusted_ChainErrorsIgnoredHostStillNamed()
    {
        var connect = MqttConnectOptions.Build(Options with { UseTls = true, AllowUntrustedCertificates = true });

        var tls = Assert.IsType<MqttClientTcpOptions>(connect.ChannelOptions).TlsOptions;
        Assert.True(tls.UseTls);
        Assert.True(tls.AllowUntrustedCertificates);
        Assert.True(tls.IgnoreCertificateChainErrors);
        Assert.Equal("broker", tls.TargetHost);
    }

    [Fact]
    public void Build_Credentials_Passed()
    {
        var connect = MqttConnectOptions.Build(Options with { Username = "u", Password = "p" });

        Assert.NotNull(connect.Credentials);
        Assert.Equal("u", connect.Credentials.GetUserName(connect));
        Assert.Equal("p"u8.ToArray(), connect.Credentials.GetPassword(connect));
    }

    public static TheoryData<MqttBrokerOptions> BadOptions => new()
    {
        Options with { Host = "" },
        Options with { ClientId = " " },
        Options with { Port = 0 },
        Options with { Port = 65536 },
        Options with { KeepAlive = TimeSpan.FromMilliseconds(500) },
        Options with { KeepAlive = TimeSpan.FromDays(1) },
        Options with { SessionExpiry = TimeSpan.FromSeconds(-1) },
        Options with { InitialBackoff = TimeSpan.Zero },
        Options with { MaxBackoff = TimeSpan.FromMilliseconds(100) },
        Options with { ConnectTimeout = TimeSpan.Zero },
        Options with { StatusTopic = "status/#" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Build_BadOptions_ArgumentException(MqttBrokerOptions options)
    {
        Assert.Throws<ArgumentException>(() => MqttConnectOptions.Build(options));
    }
}
