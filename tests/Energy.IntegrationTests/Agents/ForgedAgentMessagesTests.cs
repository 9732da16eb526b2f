using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.IntegrationTests.Support;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;
using static Energy.IntegrationTests.Agents.AgentsRig;

namespace Energy.IntegrationTests.Agents;

/// <summary>
/// A compromised host with a broker account that may publish on every topic of the site, but without the
/// agents' keys, replays the attacks of issue 12 against <c>heatgrid controller</c> and two
/// <c>heatgrid agent</c> processes on a real mosquitto: forged assignments (huge seq, a day's validity, a
/// 1e9 W cap share), a forged retained epoch 9e15 kept across the controller's restart, forged acks,
/// telemetry, heartbeats (2000 GPUs) and demand-response evidence — unsigned, and signed with a wrong key
/// under the real key id. The agents must keep following the real controller, under the cap, across its
/// restart, and the controller must show the attack in <c>/api/status</c> and its log.
/// </summary>
public sealed class ForgedAgentMessagesTests : IDisposable
{
    private const long ForgedEpoch = 9_000_000_000_000_000;
    private const long ForgedSeq = 1_000_000_000_000_000;
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-forged-").FullName;
    private readonly AgentsRig _rig;

    public ForgedAgentMessagesTests() => _rig = new AgentsRig(_folder);

    public void Dispose()
    {
        _rig.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [RequiresMosquittoFact]
    public async Task ForgedAssignmentsEpochAndReports_AgentsFollowTheRealControllerAcrossItsRestartAndTheAttackIsAlarmed()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var topics = new AgentTopics(SiteName);
        var site = _rig.WriteSite();
        var prices = _rig.WritePrices();
        var http = FreePort.Next();
        var keyFiles = new[] { "n1", "n2" }.ToDictionary(n => n, _rig.KeyFileOf);
        string[] controllerArgs = ["controller", "--site", site, "--mqtt", broker.Uri(), "--http", $"127.0.0.1:{http}", "--data", Path.Combine(_folder, "data"),
            "--prices", prices, "--agent-keys", _rig.ControllerKeys];
        HeatGridProcess Agent(string node) => HeatGridProcess.Start("agent", "--node", node, "--site", site, "--mqtt", broker.Uri(), "--simulate", "gpus:4",
            "--key-file", keyFiles[node]);

        await using var monitor = new AgentReportMonitor(broker.Port, _rig);
        await monitor.StartAsync();
        await using var attacker = new MqttLink(new MqttBrokerOptions { Host = "127.0.0.1", Port = broker.Port, ClientId = "compromised-host" },
            TimeProvider.System, NullLogger<MqttLink>.Instance);
        await attacker.StartAsync(CancellationToken.None);
        Assert.True(await attacker.WaitConnectedAsync(TimeSpan.FromSeconds(10), CancellationToken.None));

        var controller = HeatGridProcess.Start(controllerArgs);
        using var n1 = Agent("n1");
        using var n2 = Agent("n2");
        try
        {
            string Logs() => $"controller:\n{controller.Output}\nn1:\n{n1.Output}\nn2:\n{n2.Output}\nmosquitto:\n{broker.Log}";
            await WaitAsync(() => _rig.AgentsFollowingAsync(http, "n1", "n2"), TimeSpan.FromSeconds(60), "both agents following", Logs);
            await WaitAsync(() => Task.FromResult(monitor.ControllerEpoch > 0 && monitor.SiteKw > BaseKw + 2), TimeSpan.FromSeconds(30), "GPUs working", Logs);
            var realEpoch = monitor.ControllerEpoch;

            // The attacks, repeated for a few seconds so that they overlap the controller's own batches.
            for (var round = 0; round < 6; round++)
            {
                await AttackAsync(attacker, topics, realEpoch);
                await Task.Delay(TimeSpan.FromMilliseconds(500));
                AssertFollowsRealController(monitor, realEpoch, Logs);
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            AssertFollowsRealController(monitor, realEpoch, Logs);
            Assert.True(await _rig.AgentsFollowingAsync(http, "n1", "n2"), Logs());

            // The controller believed none of the forged reports: n1 has its 4 GPUs, not 2000.
            using (var agents = JsonDocument.Parse(await _rig.Http.GetStringAsync(new Uri($"http://127.0.0.1:{http}/api/agents"))))
            {
                Assert.All(agents.RootElement.EnumerateArray(), a => Assert.Equal(4, a.GetProperty("gpus").GetInt32()));
            }

            // The attack is visible: alarms in /api/status, /health degraded, and the logs of all three.
            var alarms = await AlarmsAsync(http);
            Assert.True(alarms.TryGetValue("agents.forged", out var forged) && forged == "critical", $"alarms: {string.Join(", ", alarms)}\n{Logs()}");
            Assert.True(alarms.TryGetValue("agents.epoch", out var epoch) && epoch == "critical", $"alarms: {string.Join(", ", alarms)}\n{Logs()}");
            Assert.Contains("\"degraded\"", await _rig.Http.GetStringAsync(new Uri($"http://127.0.0.1:{http}/health")), StringComparison.Ordinal);
            foreach (var node in new[] { "n1", "n2" })
            {
                // One line per node and 10 s, whatever was refused first (the heartbeat's refusal shows in the GPU count above).
                Assert.True(Regex.IsMatch(controller.Output,
                    $"Refused [a-z -]+ on heatgrid/agents-test/agents/{node}/[a-z]+: (not signed|the signature with key '{node}-test' does not verify)"), Logs());
            }

            Assert.Contains("refused a batch this controller did not send", controller.Output, StringComparison.Ordinal);
            Assert.Contains("that this controller did not issue appeared on heatgrid/agents-test/controller", controller.Output, StringComparison.Ordinal);
            foreach (var agent in new[] { n1, n2 })
            {
                Assert.Contains("refused an assignment batch", agent.Output, StringComparison.Ordinal);
                Assert.Contains("refused an epoch announcement", agent.Output, StringComparison.Ordinal);
                Assert.DoesNotContain(ForgedEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture) + "; older batches", agent.Output, StringComparison.Ordinal);
            }

            // The controller restarts while the forged epoch is retained on the broker: it keeps control.
            controller.Signal("TERM");
            Assert.True(await controller.WaitForExitAsync(TimeSpan.FromSeconds(15)), Logs());
            controller.Dispose();
            await PublishAsync(attacker, topics.Controller, Encoding.UTF8.GetBytes(
                $$"""{"v":1,"epoch":{{ForgedEpoch}},"startedAt":"2026-01-01T00:00:00+00:00","online":true}"""), retain: true);
            controller = HeatGridProcess.Start(controllerArgs);
            await WaitAsync(() => Task.FromResult(monitor.ControllerEpoch > realEpoch), TimeSpan.FromSeconds(40), "the restarted controller's epoch", Logs);
            var secondEpoch = monitor.ControllerEpoch;
            Assert.True(secondEpoch < ForgedEpoch, $"the controller took the forged epoch: {secondEpoch}");
            await WaitAsync(() => Task.FromResult(monitor.TelemetryOf("n1")?.Epoch == secondEpoch && monitor.TelemetryOf("n2")?.Epoch == secondEpoch),
                TimeSpan.FromSeconds(40), "agents following the restarted controller", Logs);
            await WaitAsync(() => _rig.AgentsFollowingAsync(http, "n1", "n2"), TimeSpan.FromSeconds(40), "agents following the restarted controller", Logs);
            await AttackAsync(attacker, topics, secondEpoch);
            await Task.Delay(TimeSpan.FromSeconds(2));
            AssertFollowsRealController(monitor, secondEpoch, Logs);

            Assert.True(monitor.MaxKw > CapKw - 0.5, $"the cap never bound (max {monitor.MaxKw:F2} kW): the test would prove nothing\n{Logs()}");
            Assert.True(monitor.Violations.IsEmpty, $"cap exceeded: {string.Join("; ", monitor.Violations.Take(5))}\n{Logs()}");
            Assert.True(monitor.Unverified > 0, "the forged reports never reached the broker: the test would prove nothing");
        }
        finally
        {
            controller.Dispose();
        }
    }

    /// <summary>Every agent follows the real controller's epoch, at a sequence it could have sent, within the cap.</summary>
    private static void AssertFollowsRealController(AgentReportMonitor monitor, long epoch, Func<string> logs)
    {
        foreach (var node in new[] { "n1", "n2" })
        {
            var t = monitor.TelemetryOf(node);
            Assert.NotNull(t);
            Assert.True(t.Epoch == epoch && t.Seq < 1_000_000, $"{node} follows {t.Epoch}/{t.Seq}, not the real controller's epoch {epoch}\n{logs()}");
            Assert.True(t.CapShareW <= CapKw * 1000, $"{node} holds a cap share of {t.CapShareW} W\n{logs()}");
            Assert.All(t.Gpus, g => Assert.True(g.TargetW <= 700, $"{g.Gpu} told {g.TargetW} W"));
        }

        Assert.True(monitor.Violations.IsEmpty, $"cap exceeded: {string.Join("; ", monitor.Violations.Take(5))}\n{logs()}");
    }

    private async Task AttackAsync(MqttLink attacker, AgentTopics topics, long realEpoch)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var node in new[] { "n1", "n2" })
        {
            // A wrong key under the real key id: the signature is well formed, only the key is not the agent's.
            var wrong = AgentKey.Create(node, _rig.KeysOf(node)[0].Kid);
            var gpus = Enumerable.Range(0, 4).Select(i => new GpuCommand($"{node}/gpus/{i}", "mining", 700, ShedStep.Mining)).ToList();
            foreach (var epoch in new[] { realEpoch, ForgedEpoch })
            {
                var batch = new AssignmentBatch(1, node, epoch, ForgedSeq, now, now.AddDays(1), 1e9, gpus);
                await PublishAsync(attacker, topics.Assign(node), AgentJson.Serialize(batch));
                await PublishAsync(attacker, topics.Assign(node), AgentSignature.Sign(AgentJson.Serialize(batch), topics.Assign(node), wrong));
            }

            // Reports the controller must not believe.
            var telemetry = new AgentTelemetry(1, node, now, ForgedEpoch, ForgedSeq, "following", 0, 0, []);
            await PublishAsync(attacker, topics.Telemetry(node), AgentJson.Serialize(telemetry));
            await PublishAsync(attacker, topics.Telemetry(node), AgentSignature.Sign(AgentJson.Serialize(telemetry), topics.Telemetry(node), wrong));
            var heartbeat = new AgentHeartbeat(1, node, true, now, "forged", 10, ForgedEpoch,
                [.. Enumerable.Range(0, 2000).Select(i => new GpuInventoryItem($"{node}/gpus/f{i}", "gpus", "H100", 200, 80, 700))], now);
            await PublishAsync(attacker, topics.Heartbeat(node), AgentJson.Serialize(heartbeat), retain: true);
            await PublishAsync(attacker, topics.Ack(node), AgentJson.Serialize(new AssignmentAck(1, node, ForgedEpoch, ForgedSeq, now, 0, 0, null, [])));
            await PublishAsync(attacker, topics.DrEvent(node), AgentJson.Serialize(new DemandResponseEvent(1, node, "forged", "frequency", 49.0, 49.5, 0.7,
                now, now, now, now, 2800, 0, 4)));
        }

        // The retained epoch: unsigned, and signed per node with wrong keys.
        var announcement = AgentJson.Serialize(new ControllerAnnouncement(1, ForgedEpoch, now, true));
        await PublishAsync(attacker, topics.Controller, AgentSignature.SignPerNode(announcement, topics.Controller,
            [AgentKey.Create("n1", _rig.KeysOf("n1")[0].Kid), AgentKey.Create("n2", _rig.KeysOf("n2")[0].Kid)]), retain: true);
        await PublishAsync(attacker, topics.Controller, announcement, retain: true);
    }

    private static async Task PublishAsync(MqttLink link, string topic, byte[] payload, bool retain = false) =>
        Assert.True(await link.PublishAsync(topic, payload, 1, retain, CancellationToken.None), $"the attacker could not publish on {topic}");

    private async Task<Dictionary<string, string>> AlarmsAsync(int port)
    {
        using var status = JsonDocument.Parse(await _rig.Http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/status")));
        return status.RootElement.GetProperty("alarms").EnumerateArray()
            .ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("severity").GetString()!, StringComparer.Ordinal);
    }
}
