using System.Collections.Concurrent;
using System.Net;
using Energy.Telemetry.Mqtt;
using Energy.TestSupport.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Energy.IntegrationTests.Mqtt;

/// <summary>
/// The embedded broker's ACL sees the topic a message is routed to, also when an MQTT 5 client sends only a topic alias:
/// an alias bound to a control topic (by a publish the ACL refused) and then used with an empty topic is refused too.
/// </summary>
public sealed class EmbeddedBrokerTopicAliasTests
{
    private sealed class Users : IMqttClientAuthenticator
    {
        public MqttClientIdentity? Authenticate(string? userName, byte[]? password, out string refusal)
        {
            refusal = "unknown";
            return userName switch
            {
                "bms" => new MqttClientIdentity("bms", MqttClientRole.Integrator),
                "ops" => new MqttClientIdentity("ops", MqttClientRole.Operator),
                _ => null,
            };
        }
    }

    [Fact]
    public async Task AliasOfAControlTopic_Refused_NothingDelivered()
    {
        await using var broker = new EmbeddedBroker(new IPEndPoint(IPAddress.Loopback, 0), new CapturingLogger<EmbeddedBroker>(), authenticator: new Users());
        await broker.StartAsync(CancellationToken.None);
        var heard = new ConcurrentQueue<string>();
        using var ops = await ConnectAsync(broker.Port, "ops");
        ops.ApplicationMessageReceivedAsync += e =>
        {
            heard.Enqueue(e.ApplicationMessage.Topic + " " + e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        await ops.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("#", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        using var bms = await ConnectAsync(broker.Port, "bms");
        async Task<MqttClientPublishReasonCode> PublishAsync(string topic, ushort alias, string payload) =>
            (await bms.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithTopicAlias(alias).WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())).ReasonCode;

        // An input topic under an alias works, by topic and by alias alone.
        Assert.Equal(MqttClientPublishReasonCode.Success, await PublishAsync("bathhouse/bms/visitors", 1, "10"));
        Assert.Equal(MqttClientPublishReasonCode.Success, await PublishAsync(string.Empty, 1, "11"));

        // The curtailment topic bound to alias 2 is refused, and so is alias 2 alone.
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync("heatgrid/bathhouse/dr/curtail", 2, "forged-1"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(string.Empty, 2, "forged-2"));

        // Alias 1 rebound to the curtailment topic: refused, and alias 1 alone now too.
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync("heatgrid/bathhouse/dr/curtail", 1, "forged-3"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(string.Empty, 1, "forged-4"));

        using (var end = await ConnectAsync(broker.Port, "ops"))
        {
            await end.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("heatgrid/bathhouse/dr/curtail").WithPayload("end")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!heard.Contains("heatgrid/bathhouse/dr/curtail end") && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }

        Assert.Equal(["bathhouse/bms/visitors 10", "bathhouse/bms/visitors 11", "heatgrid/bathhouse/dr/curtail end"], heard.ToArray());
        Assert.Equal(4, broker.Refused);
    }

    private static async Task<IMqttClient> ConnectAsync(int port, string user)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithClientId(user + "-" + Guid.NewGuid().ToString("N"))
            .WithCredentials(user, "x").WithTimeout(TimeSpan.FromSeconds(5)).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }
}
