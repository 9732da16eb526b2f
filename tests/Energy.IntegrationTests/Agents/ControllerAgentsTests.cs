using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Energy.Contracts.Agents.Protocol;
using Energy.IntegrationTests.Support;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.IntegrationTests.Agents;

/// <summary>
/// <c>heatgrid controller</c> and two <c>heatgrid agent</c> processes on a real mosquitto: an agent is
/// killed and comes back, the broker stops for longer than the dead-man and restarts, the controller
/// restarts, and the grid operator curtails. Throughout, a monitor on the broker adds up what every agent
/// reports commanding (acks and telemetry) and checks it against the cap; each recovery must be logged.
/// </summary>
public sealed class ControllerAgentsTests : IDisposable
{
    private const double CapKw = 6;
    private const double BaseKw = 1;
    private const double Overhead = 0.05;
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-agents-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [RequiresMosquittoFact]
    public async Task AgentKillBrokerRestartControllerRestartAndCurtailment_CapHoldsAndRecoveriesAreLogged()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var site = WriteSite();
        var prices = WritePrices();
        var http = FreePort.Next();
        var data = Path.Combine(_folder, "data");
        string[] controllerArgs = ["controller", "--site", site, "--mqtt", broker.Uri(), "--http", $"127.0.0.1:{http}", "--data", data, "--prices", prices];
        HeatGridProcess Agent(string node) => HeatGridProcess.Start("agent", "--node", node, "--site", site, "--mqtt", broker.Uri(), "--simulate", "gpus:4");

        await using var monitor = new CapMonitor(broker.Port);
        await monitor.StartAsync();
        var controller = HeatGridProcess.Start(controllerArgs);
        var n1 = Agent("n1");
        var n2 = Agent("n2");
        try
        {
            string Logs() => $"controller:\n{controller.Output}\nn1:\n{n1.Output}\nn2:\n{n2.Output}\nmosquitto:\n{broker.Log}";

            // Both agents follow; the plan wants more than the cap allows, so the cap binds.
            await WaitAsync(() => AgentsFollowingAsync(http, "n1", "n2"), TimeSpan.FromSeconds(60), "both agents following", Logs);
            await WaitAsync(() => Task.FromResult(monitor.SiteKw > BaseKw + 2), TimeSpan.FromSeconds(30), "GPUs working", Logs);

            // An agent is killed: its last will reaches the controller, which plans around it; it comes back.
            n2.Dispose();
            await WaitAsync(() => Task.FromResult(controller.Output.Contains("Agent n2 went offline", StringComparison.Ordinal)), TimeSpan.FromSeconds(30),
                "the controller noticing n2 is gone", Logs);
            await WaitAsync(() => Task.FromResult(controller.Output.Contains("planned around (agent n2 offline)", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(45), "the controller re-planning without n2's GPUs", Logs);
            n2 = Agent("n2");
            await WaitAsync(() => AgentsFollowingAsync(http, "n1", "n2"), TimeSpan.FromSeconds(40), "n2 back and following", Logs);

            // The broker goes away for longer than the dead-man: agents fall to the safe state, then resume.
            await broker.StopAsync();
            monitor.BrokerDown = true;
            await WaitAsync(() => Task.FromResult(n1.Output.Contains("GPUs went to the safe state", StringComparison.Ordinal)
                && n2.Output.Contains("GPUs went to the safe state", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "agents' dead-man", Logs);
            await broker.RestartAsync();
            monitor.BrokerDown = false;
            await WaitAsync(() => AgentsFollowingAsync(http, "n1", "n2"), TimeSpan.FromSeconds(60), "agents following again after the broker restart", Logs);

            // The controller restarts: a new epoch; agents refuse the old one and follow the new one.
            controller.Signal("TERM");
            Assert.True(await controller.WaitForExitAsync(TimeSpan.FromSeconds(15)), Logs());
            var firstRun = controller.Output;
            controller.Dispose();
            controller = HeatGridProcess.Start(controllerArgs);
            await WaitAsync(() => Task.FromResult(CountOf(n1.Output, "older batches are refused from now on") >= 2
                && CountOf(n2.Output, "older batches are refused from now on") >= 1), TimeSpan.FromSeconds(40), "agents taking the new epoch", Logs);
            await WaitAsync(() => AgentsFollowingAsync(http, "n1", "n2"), TimeSpan.FromSeconds(40), "agents following the restarted controller", Logs);
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
        }
        finally
        {
            controller.Dispose();
            n1.Dispose();
            n2.Dispose();
        }
    }

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private async Task<bool> AgentsFollowingAsync(int port, params string[] nodes)
    {
        try
        {
            using var json = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/agents")));
            var following = json.RootElement.EnumerateArray()
                .Where(a => a.GetProperty("online").GetBoolean() && a.GetProperty("state").GetString() == "following" && a.GetProperty("ackedSeq").GetInt64() > 0)
                .Select(a => a.GetProperty("node").GetString())
                .ToHashSet();
            return nodes.All(following.Contains);
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string> logs)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.Fail($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}\n{logs()}");
    }

    /// <summary>A GPU site whose plan wants more than its cap: 8 GPUs mining at up to 700 W against a 6 kW cap.</summary>
    private string WriteSite()
    {
        var path = Path.Combine(_folder, "site.yaml");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $$"""
            site:
              name: agents-test
              timeZone: Europe/Berlin
              currency: EUR
            grid:
              importCapKw: {{CapKw}}
              baseLoadKw: {{BaseKw}}
            pools:
              - name: gpus
                gpuModel: H100 SXM 80GB
                count: 8
                minPowerW: 200
                idlePowerW: 80
                maxPowerW: 700
                coolingOverhead: {{Overhead}}
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
            """));
        return path;
    }

    private string WritePrices()
    {
        var path = Path.Combine(_folder, "prices.csv");
        var start = DateTimeOffset.UtcNow.Date.AddDays(-1);
        var lines = new List<string> { "timestamp_utc,price_eur_per_mwh" };
        for (var h = 0; h < 24 * 4; h++)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{start.AddHours(h):yyyy-MM-ddTHH:mm:ssZ},20.0"));
        }

        File.WriteAllLines(path, lines);
        return path;
    }

    /// <summary>Adds up the latest commanded power each agent reports (acks and telemetry) and checks the site against the cap.</summary>
    private sealed class CapMonitor(int port) : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, double> _commandedW = new(StringComparer.Ordinal);
        private readonly MqttLink _link = new(new MqttBrokerOptions
        {
            Host = "127.0.0.1",
            Port = port,
            ClientId = "heatgrid-test-monitor",
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromSeconds(1),
        }, TimeProvider.System, NullLogger<MqttLink>.Instance);

        private long _samples;

        public ConcurrentQueue<string> Violations { get; } = new();

        public long Samples => Interlocked.Read(ref _samples);

        public bool BrokerDown { get; set; }

        public double MaxKw { get; private set; }

        public double SiteKw => BaseKw + (_commandedW.Values.Sum() * (1 + Overhead) / 1000);

        public async Task StartAsync()
        {
            var topics = new AgentTopics("agents-test");
            _link.Subscribe(topics.AllAgents("ack"), 1, m => Take(m, AgentJson.TryRead<AssignmentAck>(m.Payload.Span, out var a, out _) ? (a.Node, a.CommandedW) : null));
            _link.Subscribe(topics.AllAgents("telemetry"), 0, m => Take(m, AgentJson.TryRead<AgentTelemetry>(m.Payload.Span, out var t, out _) ? (t.Node, t.CommandedW) : null));
            await _link.StartAsync(CancellationToken.None);
            Assert.True(await _link.WaitConnectedAsync(TimeSpan.FromSeconds(10), CancellationToken.None), "monitor could not connect");
        }

        public ValueTask DisposeAsync() => _link.DisposeAsync();

        private ValueTask Take(MqttInbound message, (string Node, double W)? report)
        {
            if (report is { } r)
            {
                _commandedW[r.Node] = r.W;
                Interlocked.Increment(ref _samples);
                var kw = SiteKw;
                MaxKw = Math.Max(MaxKw, kw);
                if (kw > CapKw + 1e-6)
                {
                    Violations.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{kw:F3} kW after {message.Topic} at {message.ReceivedAt:HH:mm:ss.fff}"));
                }
            }

            return ValueTask.CompletedTask;
        }
    }
}
