using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Energy.IntegrationTests.Support;
using static Energy.IntegrationTests.Agents.AgentsRig;

namespace Energy.IntegrationTests.Agents;

/// <summary>
/// <c>heatgrid controller</c> and two <c>heatgrid agent</c> processes on a real mosquitto: an agent is
/// killed and comes back, the broker stops for longer than the dead-man and restarts, the controller
/// restarts, and the grid operator curtails. Throughout, a monitor on the broker adds up what every agent
/// reports commanding (acks and telemetry, signed with its key) and checks it against the cap; each recovery
/// must be logged. Every message between them is signed with the agents' keys.
/// </summary>
public sealed class ControllerAgentsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-agents-").FullName;
    private readonly AgentsRig _rig;
    private readonly HttpClient _http;

    public ControllerAgentsTests()
    {
        _rig = new AgentsRig(_folder);
        _http = _rig.Http;
    }

    public void Dispose()
    {
        _rig.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [RequiresMosquittoFact]
    public async Task AgentKillBrokerRestartControllerRestartAndCurtailment_CapHoldsAndRecoveriesAreLogged()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var site = _rig.WriteSite();
        var prices = _rig.WritePrices();
        var http = FreePort.Next();
        var data = Path.Combine(_folder, "data");
        var keyFiles = new[] { "n1", "n2" }.ToDictionary(n => n, _rig.KeyFileOf);
        string[] controllerArgs = ["controller", "--site", site, "--mqtt", broker.Uri(), "--http", $"127.0.0.1:{http}", "--data", data, "--prices", prices,
            "--agent-keys", _rig.ControllerKeys];
        HeatGridProcess Agent(string node) => HeatGridProcess.Start("agent", "--node", node, "--site", site, "--mqtt", broker.Uri(), "--simulate", "gpus:4",
            "--key-file", keyFiles[node]);

        await using var monitor = new AgentReportMonitor(broker.Port, _rig);
        await monitor.StartAsync();
        var controller = HeatGridProcess.Start(controllerArgs);
        var n1 = Agent("n1");
        var n2 = Agent("n2");
        try
        {
            string Logs() => $"controller:\n{controller.Output}\nn1:\n{n1.Output}\nn2:\n{n2.Output}\nmosquitto:\n{broker.Log}";

            // Both agents follow; the plan wants more than the cap allows, so the cap binds.
            await WaitAsync(() => _rig.AgentsFollowingAsync(http, "n1", "n2"), TimeSpan.FromSeconds(60), "both agents following", Logs);
            await WaitAsync(() => Task.FromResult(monitor.SiteKw > BaseKw + 2), TimeSpan.FromSeconds(30), "GPUs working", Logs);

            // An agent is killed: its last will reaches the controller, which plans around it; it comes back.
            n2.Dispose();
            await WaitAsync(() => Task.FromResult(controller.Output.Contains("Agent n2 went offline", StringComparison.Ordinal)), TimeSpan.FromSeconds(30),
                "the controller noticing n2 is gone", Logs);
            await WaitAsync(() => Task.FromResult(controller.Output.Contains("planned around (agent n2 offline)", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(45), "the controller re-planning without n2's GPUs", Logs);
            n2 = Agent("n2");
            await WaitAsync(() => _rig.AgentsFollowingAsync(http, "n1", "n2"), TimeSpan.FromSeconds(40), "n2 back and following", Logs);

            // The broker goes away for longer than the dead-man: agents fall to the safe state, then resume.
            await broker.StopAsync();
            monitor.BrokerDown = true;
            await WaitAsync(() => Task.FromResult(n1.Output.Contains("GPUs went to the safe state", StringComparison.Ordinal)
                && n2.Output.Contains("GPUs went to the safe state", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "agents' dead-man", Logs);
            await broker.RestartAsync();
            monitor.BrokerDown = false;
            await WaitAsync(() => _rig.AgentsFollowingAsync(http, "n1", "n2"), TimeSpan.FromSeconds(60), "agents following again after the broker restart", Logs);

            // The controller restarts: a new epoch; agents refuse the old one and follow the new one.
            controller.Signal("TERM");
            Assert.True(await controller.WaitForExitAsync(TimeSpan.FromSeconds(15)), Logs());
            var firstRun = controller.Output;
            controller.Dispose();
            controller = HeatGridProcess.Start(controllerArgs);
            await WaitAsync(() => Task.FromResult(CountOf(n1.Output, "older batches are refused from now on") >= 2
                && CountOf(n2.Output, "older batches are refused from now on") >= 1), TimeSpan.FromSeconds(40), "agents taking the new epoch", Logs);
            await WaitAsync(() => _rig.AgentsFollowingAsync(http, "n1", "n2"), TimeSpan.FromSeconds(40), "agents following the restarted controller", Logs);
            Assert.Contains("Agent n2 went offline", firstRun, StringComparison.Ordinal);

            // The grid operator curtails: the site comes down under the new cap within seconds.
            var curtailedKw = BaseKw + 1.5;
            using (var body = new StringContent(
                string.Create(CultureInfo.InvariantCulture, $"{{\"id\":\"test-curtail\",\"targetKw\":{curtailedKw},\"durationSeconds\":120,\"reason\":\"test\"}}"),
                Encoding.UTF8, "application/json"))
            using (var response = await _http.PostAsync(new Uri($"http://127.0.0.1:{http}/api/dr/curtail"), body))
            {
                Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
            }

            var curtailedAt = Stopwatch.StartNew();
            await WaitAsync(() => Task.FromResult(monitor.SiteKw <= curtailedKw + 1e-6), TimeSpan.FromSeconds(10), "the site under the curtailed cap", Logs);
            Assert.True(curtailedAt.Elapsed < TimeSpan.FromSeconds(5), $"curtailment took {curtailedAt.Elapsed.TotalSeconds:F1} s\n{Logs()}");
            await WaitAsync(() => Task.FromResult(controller.Output.Contains("(curtailment test-curtail (test))", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30), "the controller re-planning under the curtailment", Logs);

            // The evidence: the request, and the moment the controller saw the site's import under the new cap.
            await WaitAsync(async () =>
            {
                using var events = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{http}/api/dr/events")));
                return events.RootElement.EnumerateArray().Any(e => e.GetProperty("id").GetString() == "test-curtail"
                    && e.GetProperty("kind").GetString() == "curtail" && e.GetProperty("powerObservedAt").ValueKind == JsonValueKind.String);
            }, TimeSpan.FromSeconds(10), "curtailment evidence with the power observed", Logs);

            Assert.True(monitor.Samples > 20, $"the monitor saw only {monitor.Samples} reports\n{Logs()}");
            Assert.True(monitor.MaxKw > CapKw - 0.5, $"the cap never bound (max {monitor.MaxKw:F2} kW): the test would prove nothing\n{Logs()}");
            Assert.True(monitor.Violations.IsEmpty, $"cap exceeded: {string.Join("; ", monitor.Violations.Take(5))}\n{Logs()}");
            Assert.Equal(0, monitor.Unverified);
        }
        finally
        {
            controller.Dispose();
            n1.Dispose();
            n2.Dispose();
        }
    }
}
