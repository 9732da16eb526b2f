using System.Collections.Concurrent;
using System.Text.Json;
using Energy.IntegrationTests.Agents;
using Energy.IntegrationTests.Support;
using Energy.Telemetry.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace Energy.IntegrationTests.Mqtt;

/// <summary>
/// ops/mosquitto/heatgrid.acl on a real mosquitto: it gives every HeatGrid topic to the same identities as the embedded
/// broker's <see cref="MqttAcl"/> (each identity publishing on each topic, what a subscriber hears compared with the class),
/// an agent hears only what is meant for it, and a real <c>heatgrid controller</c> and <c>heatgrid agent</c> with
/// credentials work through it while a viewer's curtailment and forged epoch reach nobody.
/// </summary>
public sealed class MosquittoAclTests : IDisposable
{
    private const string Site = AgentsRig.SiteName;

    /// <summary>The users of ops/mosquitto/heatgrid.acl's blocks and what each stands for in <see cref="MqttAcl"/>.</summary>
    private static readonly Dictionary<string, MqttClientIdentity> Identities = new()
    {
        ["heatgrid-controller"] = new("heatgrid-controller", MqttClientRole.Controller),
        ["ops"] = new("ops", MqttClientRole.Operator),
        ["bms"] = new("bms", MqttClientRole.Integrator),
        ["viewer"] = new("viewer", MqttClientRole.Reader),
        ["n1"] = new("n1", MqttClientRole.Agent),
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-mosquitto-acl-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Dictionary<string, string> Passwords() => Identities.Keys.ToDictionary(u => u, u => "pw-" + u + "-" + Guid.NewGuid().ToString("N"));

    private static Task<MosquittoBroker> StartBrokerAsync() =>
        MosquittoBroker.StartAsync(Passwords(), $"acl_file {Path.Combine(RepoPaths.Root, "ops", "mosquitto", "heatgrid.acl")}");

    [RequiresMosquittoFact]
    public async Task EveryIdentityOnEveryHeatGridTopic_DeliveredExactlyWhereMqttAclAllows()
    {
        await using var broker = await StartBrokerAsync();
        var topics = new List<string>
        {
            "controller", "agents/n1/assign", "agents/n2/assign", "dr/curtail", "prices/day-ahead", "prices/intraday/x", "grid/frequency",
            "state", "status", "plan", "sensor/site-import",
            "agents/n1/ack", "agents/n1/telemetry", "agents/n1/heartbeat", "agents/n1/status", "agents/n1/dr", "agents/n2/telemetry",
        };
        topics.AddRange(Identities.Keys.Select(u => $"agents/{u}/telemetry"));
        var full = topics.Distinct().Select(t => $"heatgrid/{Site}/{t}").ToList();

        var heard = new ConcurrentQueue<string>();
        var agentHeard = new ConcurrentQueue<string>();
        using var listener = await ConnectAsync(broker, "viewer");
        using var agent = await ConnectAsync(broker, "n1");
        Listen(listener, heard);
        Listen(agent, agentHeard);
        await listener.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await agent.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("#", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var expected = new HashSet<string>(StringComparer.Ordinal);
        var mismatches = new List<string>();
        foreach (var (user, identity) in Identities)
        {
            using var client = await ConnectAsync(broker, user);
            foreach (var topic in full)
            {
                var allowed = MqttAcl.RefusePublish(identity, topic) is null;
                var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload($"{user}|{topic}")
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                var accepted = result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers;
                if (accepted != allowed || (!accepted && result.ReasonCode != MqttClientPublishReasonCode.NotAuthorized))
                {
                    mismatches.Add($"{user} on {topic}: mosquitto {result.ReasonCode}, MqttAcl {(allowed ? "allows" : "refuses")}");
                }

                if (allowed)
                {
                    expected.Add($"{user}|{topic}");
                }
            }
        }

        // Every PUBACK is in, so mosquitto has routed each message; a last one marks the end of what the subscribers get.
        using (var ops = await ConnectAsync(broker, "ops"))
        {
            await ops.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"heatgrid/{Site}/dr/curtail").WithPayload("end")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        await WaitAsync(() => heard.Contains($"heatgrid/{Site}/dr/curtail end") && agentHeard.Contains($"heatgrid/{Site}/dr/curtail end"), broker);
        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches) + "\n" + broker.Log);

        // Exactly what MqttAcl allows reached the viewer: nothing refused slipped through, nothing allowed was lost.
        var got = heard.Select(h => h.Split(' ', 2)[1]).Where(p => p != "end").ToHashSet(StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), got.Order(StringComparer.Ordinal));
        // Allowed: the controller 8 (epoch, 2 assignments, frequency, state, status, plan, sensor), the operator 4 (curtailment,
        // 2 price topics, frequency), the integrator 1 (frequency), agent n1 its 5 reports; the other 87 of 5 × 21 refused.
        Assert.Equal(18, expected.Count);

        // The agent subscribed to everything, and heard only the topics MqttAcl lets it subscribe to.
        var agentTopics = agentHeard.Select(h => h.Split(' ', 2)[0]).Distinct().ToList();
        Assert.All(agentTopics, t => Assert.True(MqttAcl.RefuseSubscribe(Identities["n1"], t) is null, $"agent n1 heard {t}"));
        Assert.Contains($"heatgrid/{Site}/agents/n1/assign", agentTopics);
        Assert.Contains($"heatgrid/{Site}/controller", agentTopics);
        Assert.DoesNotContain($"heatgrid/{Site}/agents/n2/assign", agentTopics);
        Assert.DoesNotContain($"heatgrid/{Site}/agents/n1/telemetry", agentTopics);

        // Without credentials, or with a wrong password: refused at CONNECT.
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnectAsync(broker, null, null));
        var wrong = await TryConnectAsync(broker, "ops", "wrong");
        Assert.True(wrong is MqttClientConnectResultCode.NotAuthorized or MqttClientConnectResultCode.BadUserNameOrPassword, wrong.ToString());
    }

    [RequiresMosquittoFact]
    public async Task ControllerAndAgentWithCredentials_Work_AViewersCurtailmentAndEpochReachNobody_TheOperatorsCurtailmentTakesEffect()
    {
        await using var broker = await StartBrokerAsync();
        using var rig = new AgentsRig(_folder);
        var site = rig.WriteSite();
        var http = FreePort.Next();
        var address = $"127.0.0.1:{broker.Port}";

        // The passwords as the README says: in HEATGRID_MQTT_PASSWORD, never on the command line.
        using var controller = HeatGridProcess.Start(new Dictionary<string, string> { ["HEATGRID_MQTT_PASSWORD"] = broker.Users!["heatgrid-controller"] },
            "controller", "--site", site, "--mqtt", $"mqtt://heatgrid-controller@{address}", "--http", $"127.0.0.1:{http}",
            "--data", Path.Combine(_folder, "data"), "--prices", rig.WritePrices(), "--agent-keys", rig.ControllerKeys);
        using var n1 = HeatGridProcess.Start(new Dictionary<string, string> { ["HEATGRID_MQTT_PASSWORD"] = broker.Users!["n1"] },
            "agent", "--node", "n1", "--site", site, "--mqtt", $"mqtt://n1@{address}", "--simulate", "gpus:4", "--key-file", rig.KeyFileOf("n1"));
        string Logs() => $"controller:\n{controller.Output}\nn1:\n{n1.Output}\nmosquitto:\n{broker.Log}";

        await AgentsRig.WaitAsync(() => rig.AgentsFollowingAsync(http, "n1"), TimeSpan.FromSeconds(60), "n1 following the controller through the ACL", Logs);
        var before = await CurtailmentsAsync(rig, http);

        var heard = new ConcurrentQueue<string>();
        using var listener = await ConnectAsync(broker, "heatgrid-controller");
        Listen(listener, heard);
        await listener.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"heatgrid/{Site}/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        using (var viewer = await ConnectAsync(broker, "viewer"))
        {
            foreach (var (topic, payload) in new[]
            {
                ("dr/curtail", """{"v":1,"id":"forged","targetKw":0.5,"durationSeconds":3600,"reason":"forged"}"""),
                ("controller", """{"v":1,"epoch":9999999999999,"startedAt":"2026-12-07T00:00:00Z","online":true,"forged":true}"""),
            })
            {
                var result = await viewer.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"heatgrid/{Site}/{topic}").WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                Assert.True(result.ReasonCode == MqttClientPublishReasonCode.NotAuthorized, $"{topic}: {result.ReasonCode}\n{Logs()}");
            }
        }

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await TryConnectAsync(broker, null, null));

        // The operator's curtailment on the same topic: heard, and in force at the controller; the viewer's never.
        using (var ops = await ConnectAsync(broker, "ops"))
        {
            var result = await ops.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"heatgrid/{Site}/dr/curtail")
                .WithPayload("""{"v":1,"id":"ops-1","targetKw":5,"durationSeconds":600,"reason":"grid operator asked"}""")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.True(result.ReasonCode == MqttClientPublishReasonCode.Success, $"{result.ReasonCode}\n{Logs()}");
        }

        await AgentsRig.WaitAsync(async () => (await CurtailmentsAsync(rig, http)).Contains("ops-1"), TimeSpan.FromSeconds(10), "the operator's curtailment in force", Logs);
        var after = await CurtailmentsAsync(rig, http);
        Assert.Equal([.. before, "ops-1"], after);
        Assert.DoesNotContain(heard, h => h.Contains("forged", StringComparison.Ordinal));
        Assert.DoesNotContain("forged", n1.Output, StringComparison.Ordinal);
        Assert.True(await rig.AgentsFollowingAsync(http, "n1"), "n1 stopped following:\n" + Logs());
        controller.Signal("TERM");
        n1.Signal("TERM");
        Assert.True(await controller.WaitForExitAsync(TimeSpan.FromSeconds(15)), Logs());
        Assert.True(await n1.WaitForExitAsync(TimeSpan.FromSeconds(15)), Logs());
    }

    /// <summary>The ids of the curtailments in force.</summary>
    private static async Task<List<string>> CurtailmentsAsync(AgentsRig rig, int port)
    {
        using var json = JsonDocument.Parse(await rig.Http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/dr/curtailments")));
        return [.. json.RootElement.EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];
    }

    private static void Listen(IMqttClient client, ConcurrentQueue<string> heard) =>
        client.ApplicationMessageReceivedAsync += e =>
        {
            heard.Enqueue(e.ApplicationMessage.Topic + " " + e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };

    private static async Task WaitAsync(Func<bool> condition, MosquittoBroker broker)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the subscribers never heard the end marker\n" + broker.Log);
            await Task.Delay(50);
        }
    }

    private static async Task<IMqttClient> ConnectAsync(MosquittoBroker broker, string user)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(Options(broker, user, broker.Users![user]));
        Assert.True(result.ResultCode == MqttClientConnectResultCode.Success, $"{user}: {result.ResultCode}\n{broker.Log}");
        return client;
    }

    private static async Task<MqttClientConnectResultCode> TryConnectAsync(MosquittoBroker broker, string? user, string? password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            return (await client.ConnectAsync(Options(broker, user, password))).ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            // MQTTnet names the CONNACK's reason in the message only.
            return Enum.GetValues<MqttClientConnectResultCode>().Where(c => e.Message.Contains($"({c})", StringComparison.Ordinal))
                .Select(c => (MqttClientConnectResultCode?)c).FirstOrDefault() ?? throw new Xunit.Sdk.XunitException("no CONNACK: " + e.Message);
        }
    }

    private static MqttClientOptions Options(MosquittoBroker broker, string? user, string? password)
    {
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId("acl-" + Guid.NewGuid().ToString("N")).WithTimeout(TimeSpan.FromSeconds(5));
        if (user is not null)
        {
            options.WithCredentials(user, password);
        }

        return options.Build();
    }
}
