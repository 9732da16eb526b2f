using System.Diagnostics;
using System.Text.Json;
using Energy.Contracts.Agents.Protocol;
using Energy.IntegrationTests.Support;
using MQTTnet;
using MQTTnet.Protocol;

namespace Energy.IntegrationTests.Agents;

/// <summary>
/// <c>heatgrid controller</c> and <c>heatgrid agent</c> processes on a real mosquitto, attacked by a client
/// with publish rights on the site's topics (a raw MQTTnet client, as a compromised host would have): a
/// retained heartbeat claiming 2000 GPUs of an 8-GPU pool, and a single under-frequency sample followed by
/// silence. Every agent message is signed; the fake heartbeat is signed too, with the key of a host the
/// controller knows ("evil": compromised, or misconfigured), so what refuses it is the site file, not the
/// signature. Also: an agent stopped by SIGTERM or SIGINT exits 0 without an exception.
/// </summary>
public sealed class AgentGuardTests : IDisposable
{
    private const string SiteName = "guard-test";
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-guard-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly AgentTopics _topics = new(SiteName);
    private readonly AgentsRig _keys;

    public AgentGuardTests() => _keys = new AgentsRig(_folder);

    public void Dispose()
    {
        _keys.Dispose();
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [RequiresMosquittoFact]
    public async Task Agent_SigtermAndSigint_ExitsZeroWithoutAnException()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var site = WriteSite(string.Empty);
        foreach (var signal in new[] { "TERM", "INT" })
        {
            using var agent = StartAgent(site, broker, "n1");
            await AgentsRig.WaitAsync(() => Task.FromResult(agent.Output.Contains("Agent n1 started", StringComparison.Ordinal)), TimeSpan.FromSeconds(30),
                "the agent started", () => agent.Output);

            agent.Signal(signal);

            Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(15)), $"SIG{signal}: still running\n{agent.Output}");
            Assert.True(agent.ExitCode == 0, $"SIG{signal}: exit code {agent.ExitCode}\n{agent.Output}");
            Assert.DoesNotContain("Exception", agent.Output, StringComparison.Ordinal);
        }
    }

    [RequiresMosquittoFact]
    public async Task FakeRetainedHeartbeatOf2000Gpus_RealAgentsKeepTheirAssignmentsAndAnAlarmShows()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var site = WriteSite(string.Empty);
        var http = FreePort.Next();
        using var controller = StartController(site, broker, http);
        using var n1 = StartAgent(site, broker, "n1");
        using var n2 = StartAgent(site, broker, "n2");
        string Logs() => $"controller:\n{controller.Output}\nn1:\n{n1.Output}\nn2:\n{n2.Output}\nmosquitto:\n{broker.Log}";
        await AgentsRig.WaitAsync(() => _keys.AgentsFollowingAsync(http, "n1", "n2"), TimeSpan.FromSeconds(60), "both agents following", Logs);

        var fake = new AgentHeartbeat(AgentJson.Version, "evil", true, DateTimeOffset.UtcNow, "simulated", 10, 0,
            [.. Enumerable.Range(0, 2000).Select(i => new GpuInventoryItem($"evil/{i}", "gpus", "H100 SXM 80GB", 200, 80, 700))], DateTimeOffset.UtcNow);
        var topic = _topics.Heartbeat("evil");
        await PublishAsync(broker, topic, AgentSignature.Sign(AgentJson.Serialize(fake), topic, _keys.KeysOf("evil")[0]), retain: true);

        await AgentsRig.WaitAsync(async () => (await AlarmsAsync(http)).Any(a => a.Key == "agents.heartbeatRefused" && a.Message.Contains("2000", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(15), "the refused heartbeat alarmed in /api/status", Logs);
        var seqBefore = await AckedSeqsAsync(http);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(8))
        {
            Assert.True(await _keys.AgentsFollowingAsync(http, "n1", "n2"), $"an agent stopped following after the fake heartbeat\n{Logs()}");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        var seqAfter = await AckedSeqsAsync(http);
        Assert.True(seqAfter["n1"] > seqBefore["n1"] && seqAfter["n2"] > seqBefore["n2"], $"no newer batches acknowledged\n{Logs()}");
        Assert.Equal(["n1", "n2"], seqAfter.Keys.Order(StringComparer.Ordinal));

        // The GPUs keep their work: the controller did not count 2000 phantom GPUs at their maximum.
        using var agents = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{http}/api/agents")));
        Assert.All(agents.RootElement.EnumerateArray(), a => Assert.True(a.GetProperty("commandedW").GetDouble() > 4 * 80 + 100, $"{a}\n{Logs()}"));
        Assert.Contains("heartbeat of agent 'evil' refused", controller.Output, StringComparison.Ordinal);
    }

    [RequiresMosquittoFact]
    public async Task OneUnderFrequencySampleThenSilence_ShedEndsByThePolicyWithAWarningMeanwhile()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var site = WriteSite("""
              demandResponse:
                maxFrequencyAge: 2s
                restoreStagger: 0s
                onFrequencyLost: restoreAfter 8s
            """);
        var http = FreePort.Next();
        using var controller = StartController(site, broker, http);
        using var n1 = StartAgent(site, broker, "n1");
        string Logs() => $"controller:\n{controller.Output}\nn1:\n{n1.Output}\nmosquitto:\n{broker.Log}";
        await AgentsRig.WaitAsync(() => _keys.AgentsFollowingAsync(http, "n1"), TimeSpan.FromSeconds(60), "the agent following", Logs);
        await AgentsRig.WaitAsync(async () => await CommandedWAsync(http, "n1") > 1000, TimeSpan.FromSeconds(30), "the GPUs mining", Logs);

        var sentAt = DateTimeOffset.UtcNow;
        await PublishAsync(broker, _topics.Frequency, AgentJson.Serialize(new FrequencySample(49.4, sentAt)), retain: false);
        await AgentsRig.WaitAsync(async () => await StateAsync(http, "n1") == "shedding", TimeSpan.FromSeconds(5), "the agent shedding", Logs);

        // While it lasts, the lost feed is a warning in the controller's status.
        await AgentsRig.WaitAsync(async () => (await AlarmsAsync(http)).Any(a => a.Key == "agents.warnings.n1" && a.Message.Contains("feed lost while shedding", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(6), "the lost-feed warning in /api/status", Logs);
        Assert.Equal("shedding", await StateAsync(http, "n1"));

        // Then the policy's rule ends the shed: 8 s after the sample, not never.
        await AgentsRig.WaitAsync(async () => await StateAsync(http, "n1") == "following", TimeSpan.FromSeconds(15), "the shed ended by onFrequencyLost", Logs);
        var shedFor = DateTimeOffset.UtcNow - sentAt;
        Assert.True(shedFor >= TimeSpan.FromSeconds(8), $"restored after {shedFor.TotalSeconds:F1} s, before the rule's 8 s\n{Logs()}");
        Assert.Contains("with no live feed (onFrequencyLost: restoreAfter 8s)", n1.Output, StringComparison.Ordinal);
        await AgentsRig.WaitAsync(async () => await CommandedWAsync(http, "n1") > 1000, TimeSpan.FromSeconds(15), "the GPUs mining again", Logs);
    }

    private HeatGridProcess StartController(string site, MosquittoBroker broker, int http)
    {
        foreach (var node in new[] { "n1", "n2", "evil" })
        {
            _ = _keys.KeyFileOf(node);   // every key before the controller reads its file; "evil" is a host the controller holds a key of
        }

        return HeatGridProcess.Start("controller", "--site", site, "--mqtt", broker.Uri(), "--http", $"127.0.0.1:{http}", "--data", Path.Combine(_folder, "data"),
            "--prices", _keys.WritePrices(), "--agent-keys", _keys.ControllerKeys);
    }

    private HeatGridProcess StartAgent(string site, MosquittoBroker broker, string node) =>
        HeatGridProcess.Start("agent", "--node", node, "--site", site, "--mqtt", broker.Uri(), "--simulate", "gpus:4", "--key-file", _keys.KeyFileOf(node));

    private static async Task PublishAsync(MosquittoBroker broker, string topic, byte[] payload, bool retain)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("attacker").Build());
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await client.DisconnectAsync();
    }

    private async Task<JsonElement> GetAsync(int port, string path)
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}{path}")));
        return json.RootElement.Clone();
    }

    private async Task<IReadOnlyList<(string Key, string Message)>> AlarmsAsync(int port)
    {
        try
        {
            var status = await GetAsync(port, "/api/status");
            return [.. status.GetProperty("alarms").EnumerateArray().Select(a => (a.GetProperty("key").GetString()!, a.GetProperty("message").GetString()!))];
        }
        catch (HttpRequestException)
        {
            return [];
        }
        catch (TaskCanceledException)
        {
            return [];
        }
    }

    private async Task<JsonElement?> AgentAsync(int port, string node)
    {
        try
        {
            return (await GetAsync(port, "/api/agents")).EnumerateArray().FirstOrDefault(a => a.GetProperty("node").GetString() == node) is { ValueKind: JsonValueKind.Object } a
                ? a : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    private async Task<string?> StateAsync(int port, string node) => (await AgentAsync(port, node))?.GetProperty("state").GetString();

    private async Task<double> CommandedWAsync(int port, string node) => (await AgentAsync(port, node))?.GetProperty("commandedW").GetDouble() ?? 0;

    private async Task<Dictionary<string, long>> AckedSeqsAsync(int port) =>
        (await GetAsync(port, "/api/agents")).EnumerateArray().ToDictionary(a => a.GetProperty("node").GetString()!, a => a.GetProperty("ackedSeq").GetInt64());

    /// <summary>8 GPUs mining at up to 700 W (two agents of 4) under a cap with room for all of them; <paramref name="demandResponse"/> goes under <c>policy:</c>.</summary>
    private string WriteSite(string demandResponse)
    {
        var path = Path.Combine(_folder, "site.yaml");
        File.WriteAllText(path, $"""
            site:
              name: {SiteName}
              timeZone: Europe/Berlin
              currency: EUR
            grid:
              importCapKw: 20
              baseLoadKw: 1
            pools:
              - name: gpus
                gpuModel: H100 SXM 80GB
                count: 8
                minPowerW: 200
                idlePowerW: 80
                maxPowerW: 700
                coolingOverhead: 0.05
            workloads:
              - name: mining
                kind: mining
                unit: ticket
                joulesPerUnit: 36000
                revenuePerUnit: 0.01
            policy:
              shedOrder: [mining]
              minDwell: 0s
              safeState: idle
            {demandResponse}
            """);
        return path;
    }
}
