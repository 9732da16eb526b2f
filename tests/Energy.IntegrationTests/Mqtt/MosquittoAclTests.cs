using System.Collections.Concurrent;
using Energy.IntegrationTests.Support;
using MQTTnet;
using MQTTnet.Protocol;

namespace Energy.IntegrationTests.Mqtt;

/// <summary>
/// ops/mosquitto/heatgrid.acl as shipped, in a real mosquitto: the control topics reach subscribers only from their owners
/// (the controller, an operator, the agent itself); a viewer's or another agent's publish is refused (NotAuthorized under
/// MQTT 5) and never delivered, and an agent does not hear another agent's assignment.
/// </summary>
public sealed class MosquittoAclTests
{
    private static readonly Dictionary<string, string> Users = new()
    {
        ["heatgrid-controller"] = "pc",
        ["ops"] = "po",
        ["bms"] = "pb",
        ["vic"] = "pv",
        ["node-1"] = "p1",
        ["node-2"] = "p2",
    };

    [RequiresMosquittoFact]
    public async Task ShippedAcl_ControlTopicsOnlyFromTheirOwners()
    {
        var acl = Path.Combine(RepoPaths.Root, "ops", "mosquitto", "heatgrid.acl");
        await using var broker = await MosquittoBroker.StartAsync(Users, $"acl_file {acl}");

        // The controller hears everything of the site; node-1 hears what it may.
        var controllerHeard = new ConcurrentQueue<string>();
        var node1Heard = new ConcurrentQueue<string>();
        using var controller = await ConnectAsync(broker, "heatgrid-controller", controllerHeard, "heatgrid/bathhouse/#");
        using var node1 = await ConnectAsync(broker, "node-1", node1Heard, "heatgrid/bathhouse/agents/node-1/assign", "heatgrid/bathhouse/agents/node-2/assign",
            "heatgrid/bathhouse/controller");
        using var node2 = await ConnectAsync(broker, "node-2", new ConcurrentQueue<string>());
        using var ops = await ConnectAsync(broker, "ops", new ConcurrentQueue<string>());
        using var bms = await ConnectAsync(broker, "bms", new ConcurrentQueue<string>());
        using var vic = await ConnectAsync(broker, "vic", new ConcurrentQueue<string>());

        (IMqttClient Client, string Topic, bool Allowed)[] attempts =
        [
            (vic, "heatgrid/bathhouse/dr/curtail", false),
            (vic, "heatgrid/bathhouse/controller", false),
            (vic, "heatgrid/bathhouse/prices/day-ahead", false),
            (vic, "heatgrid/bathhouse/agents/node-1/assign", false),
            (bms, "heatgrid/bathhouse/dr/curtail", false),
            (bms, "heatgrid/bathhouse/prices/day-ahead", false),
            (ops, "heatgrid/bathhouse/controller", false),
            (ops, "heatgrid/bathhouse/agents/node-1/assign", false),
            (node2, "heatgrid/bathhouse/agents/node-1/ack", false),
            (node2, "heatgrid/bathhouse/controller", false),
            (node1, "heatgrid/bathhouse/dr/curtail", false),
            (ops, "heatgrid/bathhouse/dr/curtail", true),
            (ops, "heatgrid/bathhouse/prices/day-ahead", true),
            (bms, "heatgrid/bathhouse/grid/frequency", true),
            (node1, "heatgrid/bathhouse/agents/node-1/ack", true),
            (controller, "heatgrid/bathhouse/controller", true),
            (controller, "heatgrid/bathhouse/agents/node-1/assign", true),
            (controller, "heatgrid/bathhouse/agents/node-2/assign", true),
        ];
        for (var i = 0; i < attempts.Length; i++)
        {
            var (client, topic, allowed) = attempts[i];
            var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload($"attempt-{i}")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.True(allowed == (result.ReasonCode == MqttClientPublishReasonCode.Success),
                $"{client.Options.Credentials?.GetUserName(client.Options)} on {topic}: {result.ReasonCode}");
        }

        // Everything delivered has arrived once the controller has heard its own last message.
        var last = $"heatgrid/bathhouse/agents/node-2/assign attempt-{attempts.Length - 1}";
        for (var waited = 0; waited < 50 && !controllerHeard.Contains(last); waited++)
        {
            await Task.Delay(100);
        }

        // The controller hears every allowed message (its own too) and nothing else.
        var expected = attempts.Select((a, i) => (a, i)).Where(x => x.a.Allowed).Select(x => $"{x.a.Topic} attempt-{x.i}");
        Assert.Equal(expected.Order(), controllerHeard.Order());
        Assert.Equal(["heatgrid/bathhouse/agents/node-1/assign attempt-16", "heatgrid/bathhouse/controller attempt-15"], node1Heard.Order());
    }

    private static async Task<IMqttClient> ConnectAsync(MosquittoBroker broker, string user, ConcurrentQueue<string> heard, params string[] filters)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            heard.Enqueue($"{e.ApplicationMessage.Topic} {e.ApplicationMessage.ConvertPayloadToString()}");
            return Task.CompletedTask;
        };
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).WithClientId("acl-" + user).WithCredentials(user, Users[user])
            .WithTimeout(TimeSpan.FromSeconds(5)).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        foreach (var filter in filters)
        {
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        return client;
    }
}
