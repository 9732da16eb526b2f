using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Energy.IntegrationTests.Support;
using MQTTnet;
using MQTTnet.Protocol;

namespace Energy.IntegrationTests.Mqtt;

/// <summary>
/// The embedded broker of a real <c>heatgrid run --demo</c> with users: HeatGrid's control topics (a curtailment, a forged
/// controller epoch, a price file, an agent's assignment) tried without credentials, with a wrong key, with a tenant's and with
/// a viewer's key are refused at the broker, no subscriber hears them, and the site's state is the same before and after;
/// the operator's curtailment on the same topic is accepted and in force.
/// </summary>
[Collection(DemoPorts.Name)]
public sealed class EmbeddedBrokerAclTests : IDisposable
{
    private const string Site = "bathhouse";
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-broker-acl-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task ControlTopics_NoCredentialsWrongKeyOrLowerRole_RefusedAndNothingChanged_OperatorsCurtailmentTakesEffect()
    {
        var operatorKey = await HeatGridUsers.AddAsync(_data, "ops", "operator");
        var viewerKey = await HeatGridUsers.AddAsync(_data, "vic", "viewer");
        var tenantKey = await HeatGridUsers.AddAsync(_data, "acme", "tenant", "Acme AI");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", operatorKey);
        var (port, mqtt) = (FreePort.Next(), FreePort.Next());
        using var heatgrid = HeatGridProcess.Start("run", "--site", DemoSite(), "--demo", "--http", $"127.0.0.1:{port}", "--data", _data,
            "--mqtt-listen", $"127.0.0.1:{mqtt}");
        await WaitForStatusAsync(heatgrid, port);

        // An operator listens to everything of the site: a refused message must never reach a subscriber.
        var heard = new List<string>();
        using var listener = await ConnectAsync(mqtt, "ops", operatorKey);
        listener.ApplicationMessageReceivedAsync += e =>
        {
            lock (heard)
            {
                heard.Add(e.ApplicationMessage.Topic + " " + e.ApplicationMessage.ConvertPayloadToString());
            }

            return Task.CompletedTask;
        };
        await listener.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"heatgrid/{Site}/#").Build());
        var before = await StateAsync(port) + await RetainedEpochAsync(mqtt, operatorKey);
        Assert.Contains("controller-epoch: heatgrid-state v1", before, StringComparison.Ordinal);

        // No credentials, a wrong key, a tenant's key: refused at CONNECT.
        foreach (var (user, password, code) in new[]
        {
            ((string?)null, (string?)null, MqttClientConnectResultCode.NotAuthorized),
            ("ops", "hg_00000000000000ff_" + new string('0', 64), MqttClientConnectResultCode.BadUserNameOrPassword),
            ("ops", viewerKey, MqttClientConnectResultCode.BadUserNameOrPassword),
            ("acme", tenantKey, MqttClientConnectResultCode.BadUserNameOrPassword),
        })
        {
            var (client, result) = await TryConnectAsync(mqtt, user, password);
            using (client)
            {
                Assert.True(result == code, $"{user ?? "no credentials"}: {result}, expected {code}");
            }
        }

        // A viewer's key connects (it may read), but every control topic is refused with NotAuthorized.
        using (var viewer = await ConnectAsync(mqtt, "vic", viewerKey))
        {
            foreach (var (topic, payload) in Forgeries())
            {
                // Retained, as a forger would: agents read the controller's epoch from the retained message when they connect.
                var result = await viewer.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
                    .WithRetainFlag(topic.EndsWith("/controller", StringComparison.Ordinal))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                Assert.True(result.ReasonCode == MqttClientPublishReasonCode.NotAuthorized, $"{topic}: {result.ReasonCode} {result.ReasonString}");
            }
        }

        // Let anything that slipped through act (a tick, a re-plan), then compare.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await StateAsync(port) + await RetainedEpochAsync(mqtt, operatorKey);
        Assert.Equal(before, after);
        lock (heard)
        {
            Assert.DoesNotContain(heard, h => h.Contains("forged", StringComparison.Ordinal));
        }

        var status = await GetAsync(port, "/api/status");
        Assert.Contains(status.GetProperty("alarms").EnumerateArray(), a => a.GetProperty("key").GetString() == "mqtt.refused");
        Assert.Contains("Embedded MQTT broker refused publish on heatgrid/bathhouse/dr/curtail by client", heatgrid.Output, StringComparison.Ordinal);

        // The operator's own curtailment on the same topic is accepted, heard and in force.
        using (var ops = await ConnectAsync(mqtt, "ops", operatorKey))
        {
            var result = await ops.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"heatgrid/{Site}/dr/curtail")
                .WithPayload("""{"v":1,"id":"ops-1","targetKw":500,"durationSeconds":600,"reason":"grid operator asked"}""")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.Equal(MqttClientPublishReasonCode.Success, result.ReasonCode);
        }

        var clock = Stopwatch.StartNew();
        string curtailments;
        do
        {
            await Task.Delay(200);
            curtailments = await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/dr/curtailments"));
        }
        while (!curtailments.Contains("\"id\":\"ops-1\"", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(10));

        Assert.Contains("\"id\":\"ops-1\"", curtailments, StringComparison.Ordinal);
        heatgrid.Signal("TERM");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(10)), heatgrid.Output);
    }

    /// <summary>The forgeries of the issue: a curtailment, a controller epoch, prices that make power free, an assignment.</summary>
    private static IEnumerable<(string Topic, string Payload)> Forgeries()
    {
        var hour = DateTimeOffset.UtcNow.AddHours(-1);
        var csv = new StringBuilder("timestamp_utc,price_eur_per_mwh\n");
        for (var h = 0; h < 48; h++)
        {
            csv.Append(hour.AddHours(h).ToString("yyyy-MM-ddTHH:00:00Z", System.Globalization.CultureInfo.InvariantCulture)).Append(",-500\n");
        }

        yield return ($"heatgrid/{Site}/dr/curtail", """{"v":1,"id":"forged","targetKw":10,"durationSeconds":3600,"reason":"forged"}""");
        yield return ($"heatgrid/{Site}/controller", """{"v":1,"epoch":9999999999999,"controller":"forged"}""");
        yield return ($"heatgrid/{Site}/prices/day-ahead", csv.ToString());
        yield return ($"heatgrid/{Site}/agents/local/assign", """{"v":1,"epoch":9999999999999,"seq":1,"forged":true}""");
    }

    /// <summary>What a forgery would change: curtailments and the cap, the price now and the plan's prices, the agents, the other alarms.</summary>
    private async Task<string> StateAsync(int port)
    {
        var status = await GetAsync(port, "/api/status");
        var plan = await GetAsync(port, "/api/plan");
        var alarms = status.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("key").GetString()).Where(k => k != "mqtt.refused").Order();
        return string.Join('\n',
            await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/dr/curtailments")),
            status.GetProperty("gridImportCapKw").GetDouble(),
            status.GetProperty("priceEurPerMwh"),
            string.Join(',', plan.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("spotPricePerMwh").GetDouble())),
            string.Join(',', (await GetAsync(port, "/api/agents")).EnumerateArray().Select(a => $"{a.GetProperty("node")}:{a.GetProperty("online")}")),
            string.Join(',', alarms));
    }

    /// <summary>
    /// The controller's epoch: as saved in the data folder, and as the broker keeps it for agents that connect (the retained
    /// <c>controller</c> message; <c>heatgrid run</c>'s own agent is in process, so none unless a forgery got through).
    /// </summary>
    private async Task<string> RetainedEpochAsync(int port, string operatorKey)
    {
        var saved = Path.Combine(_data, "controller-epoch");
        var epoch = "\ncontroller-epoch: " + (File.Exists(saved) ? await File.ReadAllTextAsync(saved) : "none");
        using var client = await ConnectAsync(port, "ops", operatorKey);
        var retained = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += e =>
        {
            retained.TrySetResult(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"heatgrid/{Site}/controller").Build());
        var first = await Task.WhenAny(retained.Task, Task.Delay(TimeSpan.FromSeconds(1)));
        return epoch + "\nretained epoch: " + (first == retained.Task ? await retained.Task : string.Empty);
    }

    private static async Task<IMqttClient> ConnectAsync(int port, string? user, string? password)
    {
        var (client, result) = await TryConnectAsync(port, user, password);
        if (result != MqttClientConnectResultCode.Success)
        {
            client.Dispose();
            throw new Xunit.Sdk.XunitException($"{user} could not connect: {result}");
        }

        return client;
    }

    /// <summary>Connects; the broker's answer (a refusal is an answer, not an exception).</summary>
    private static async Task<(IMqttClient Client, MqttClientConnectResultCode Result)> TryConnectAsync(int port, string? user, string? password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId("acl-test-" + Guid.NewGuid().ToString("N")[..8]).WithTimeout(TimeSpan.FromSeconds(5));
        if (user is not null)
        {
            options.WithCredentials(user, password);
        }

        try
        {
            return (client, (await client.ConnectAsync(options.Build())).ResultCode);
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            foreach (var code in Enum.GetValues<MqttClientConnectResultCode>().Where(c => c != MqttClientConnectResultCode.Success))
            {
                if (e.Message.Contains($"({code})", StringComparison.Ordinal))
                {
                    return (client, code);
                }
            }

            client.Dispose();
            throw;
        }
    }

    private async Task<JsonElement> GetAsync(int port, string path)
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}{path}")));
        return json.RootElement.Clone();
    }

    private async Task WaitForStatusAsync(HeatGridProcess heatgrid, int port)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(heatgrid.HasExited, "heatgrid exited early:\n" + heatgrid.Output);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "no plan within 30 s:\n" + heatgrid.Output);
            try
            {
                using var plan = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/plan"));
                using var status = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/status"));
                if (plan.IsSuccessStatusCode && status.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }
    }

    private string DemoSite()
    {
        var yaml = File.ReadAllText(RepoPaths.Example("bathhouse.yaml"));
        foreach (var demoPort in new[] { "15020", "15021", "15022" })
        {
            yaml = yaml.Replace("127.0.0.1:" + demoPort, $"127.0.0.1:{FreePort.Next()}", StringComparison.Ordinal);
        }

        var path = Path.Combine(_data, "bathhouse.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

}
