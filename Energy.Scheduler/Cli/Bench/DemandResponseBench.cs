using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Gpu.Agents;
using Energy.Gpu.Devices;
using Energy.Gpu.Simulation;
using Energy.Scheduler.Agents;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// <c>heatgrid bench dr --agents N</c>: N node agents, each its own MQTT client with simulated GPUs,
/// and a controller that dispatches mining to all of them through a broker (the embedded one, or
/// <c>--broker</c>). Then under-frequency steps are published on the frequency topic; the time from the
/// step's publication to each agent having commanded its GPUs (from the agents' own evidence) gives
/// p50/p99/max. Meanwhile the sum of what every agent commands is sampled against the cap.
/// </summary>
internal static class DemandResponseBench
{
    private const double GpuMaxW = 700;
    private const double GpuMinW = 200;
    private const double GpuIdleW = 80;
    private const double MiningW = 500;
    private const double CoolingOverhead = 0.05;

    public static Command Create()
    {
        var agents = new Option<int>("--agents") { Description = "Node agents (each its own MQTT client).", DefaultValueFactory = _ => 100 };
        var gpus = new Option<int>("--gpus-per-agent") { Description = "Simulated GPUs per agent.", DefaultValueFactory = _ => 8 };
        var steps = new Option<int>("--steps") { Description = "Under-frequency steps to measure (each followed by a restore).", DefaultValueFactory = _ => 3 };
        var broker = new Option<string?>("--broker") { Description = "mqtt://HOST:PORT of a broker (mosquitto); default: an embedded broker on 127.0.0.1." };
        var json = new Option<bool>("--json");
        var command = new Command("dr", "Demand response: frequency step → every agent has commanded its GPUs (p50/p99/max), and cap violations.")
        {
            agents, gpus, steps, broker, json,
        };
        command.SetAction((r, ct) => RunAsync(r.GetValue(agents), r.GetValue(gpus), r.GetValue(steps), r.GetValue(broker), r.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(int agentCount, int gpusPerAgent, int steps, string? brokerUri, bool json, CancellationToken ct)
    {
        if (agentCount < 1 || gpusPerAgent < 1 || steps < 1)
        {
            await Console.Error.WriteLineAsync("--agents, --gpus-per-agent and --steps must be at least 1");
            return 2;
        }

        EmbeddedBroker? embedded = null;
        MqttBrokerOptions broker;
        if (brokerUri is null)
        {
            embedded = new EmbeddedBroker(new IPEndPoint(IPAddress.Loopback, 0), NullLogger<EmbeddedBroker>.Instance);
            await embedded.StartAsync(ct);
            broker = new MqttBrokerOptions { Host = "127.0.0.1", Port = embedded.Port, ClientId = "unused" };
        }
        else if (!MqttBrokerOptions.TryParse(brokerUri, "unused", out var parsed, out var error))
        {
            await Console.Error.WriteLineAsync("--broker: " + error);
            return 2;
        }
        else
        {
            broker = parsed;
        }

        try
        {
            var result = await MeasureAsync(agentCount, gpusPerAgent, steps, broker, ct);
            result["broker"] = brokerUri is null ? "embedded" : broker.ToString();
            await Console.Out.WriteLineAsync(json ? JsonSerializer.Serialize(result) : Describe(result));
            return (int)result["missing"] == 0 ? 0 : 1;
        }
        finally
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }
        }
    }

    private static async Task<Dictionary<string, object>> MeasureAsync(int agentCount, int gpusPerAgent, int steps, MqttBrokerOptions broker, CancellationToken ct)
    {
        var time = TimeProvider.System;
        var runId = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var site = BenchSite(agentCount * gpusPerAgent);
        var topics = new AgentTopics(site.Name);
        var options = AgentOptions.From(site.Policy);

        // Agents: each with its own MQTT client and simulated GPUs.
        var connect = Stopwatch.StartNew();
        var agents = new List<MqttAgent>(agentCount);
        var allGpus = new List<IGpuDevice>();
        for (var i = 0; i < agentCount; i++)
        {
            var node = string.Create(CultureInfo.InvariantCulture, $"node{i:D4}");
            var gpus = Enumerable.Range(0, gpusPerAgent).Select(g => (IGpuDevice)new SimulatedGpu(
                $"{node}/{g}", "bench", "bench", Power.FromWatts(GpuMinW), Power.FromWatts(GpuIdleW), Power.FromWatts(GpuMaxW), time)).ToList();
            allGpus.AddRange(gpus);
            var core = new AgentCore(node, gpus, options, time, NullLogger<AgentCore>.Instance);
            var link = new MqttLink(broker with
            {
                ClientId = $"heatgrid-bench-{runId}-{node}",
                StatusTopic = topics.Status(node),
                SessionExpiry = TimeSpan.FromSeconds(30),
                KeepAlive = TimeSpan.FromSeconds(60),
            }, time, NullLogger<MqttLink>.Instance);
            agents.Add(new MqttAgent(core, link, topics, "simulated", TimeSpan.FromSeconds(10), time, NullLogger<MqttAgent>.Instance));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            foreach (var chunk in agents.Chunk(50))
            {
                await Task.WhenAll(chunk.Select(a => a.StartAsync(ct)));
            }

            foreach (var a in agents)
            {
                if (!await a.Link.WaitConnectedAsync(TimeSpan.FromSeconds(30), ct))
                {
                    throw new InvalidOperationException($"agent {a.Core.Node} could not connect to {broker}: {a.Link.LastError}");
                }
            }

            var ticker = TickAsync(agents, stop.Token);

            // The controller.
            var fleet = new Fleet(site, time, NullLogger<Fleet>.Instance);
            var evidence = new DemandResponseLog(null, NullLogger<DemandResponseLog>.Instance);
            await using var controllerLink = new MqttLink(broker with { ClientId = $"heatgrid-bench-{runId}-controller", SessionExpiry = TimeSpan.FromSeconds(30) },
                time, NullLogger<MqttLink>.Instance);
            var transport = new MqttAgentTransport(controllerLink, topics, fleet, evidence, NullLogger<MqttAgentTransport>.Instance);
            await controllerLink.StartAsync(ct);
            if (!await controllerLink.WaitConnectedAsync(TimeSpan.FromSeconds(10), ct))
            {
                throw new InvalidOperationException($"the controller could not connect to {broker}: {controllerLink.LastError}");
            }

            var epoch = time.GetUtcNow().ToUnixTimeMilliseconds();
            var sequencer = new FleetSequencer(site, fleet, epoch, time.GetUtcNow());
            await transport.AnnounceAsync(new ControllerAnnouncement(AgentJson.Version, epoch, time.GetUtcNow(), true), ct);

            // Cap monitor: what every agent commands, sampled every few milliseconds.
            var monitor = new CapMonitor(agents, site);
            var monitoring = monitor.RunAsync(time, stop.Token);

            // Dispatch mining to every GPU and wait until every agent holds it.
            var dispatchClock = Stopwatch.StartNew();
            var wanted = allGpus.Select(g => new Contracts.Agents.GpuAssignment(g.Id, "mining", Power.FromWatts(MiningW), DateTimeOffset.MaxValue, epoch)
            { Shed = ShedStep.Mining }).ToList();
            var dispatching = DispatchAsync(sequencer, fleet, transport, wanted, site, time, stop.Token);
            var target = agentCount * gpusPerAgent * MiningW;
            while (agents.Sum(a => a.Core.CommandedW) < target - 1)
            {
                if (dispatchClock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException("the agents did not reach the dispatched mining power within 60 s");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
            }

            var dispatchSeconds = dispatchClock.Elapsed.TotalSeconds;

            // Frequency steps.
            await using var gridLink = new MqttLink(broker with { ClientId = $"heatgrid-bench-{runId}-grid" }, time, NullLogger<MqttLink>.Instance);
            await gridLink.StartAsync(ct);
            await gridLink.WaitConnectedAsync(TimeSpan.FromSeconds(10), ct);
            var commandMs = new List<double>();
            var observedMs = new List<double>();
            var missing = 0;
            var stepHz = new[] { 49.6, 49.5, 49.7 };
            for (var s = 0; s < steps; s++)
            {
                var hz = stepHz[s % stepHz.Length];
                var (command, observed, absent) = await StepAsync(gridLink, topics, evidence, agents, hz, time, ct);
                commandMs.AddRange(command);
                observedMs.AddRange(observed);
                missing += absent;
                await RestoreAsync(gridLink, topics, agents, target, time, ct);
            }

            await stop.CancelAsync();
            await SwallowCancellation(ticker);
            await SwallowCancellation(monitoring);
            await SwallowCancellation(dispatching);

            commandMs.Sort();
            observedMs.Sort();
            return new Dictionary<string, object>
            {
                ["agents"] = agentCount,
                ["gpusPerAgent"] = gpusPerAgent,
                ["steps"] = steps,
                ["samples"] = commandMs.Count,
                ["p50Ms"] = Round(Percentile(commandMs, 0.50)),
                ["p99Ms"] = Round(Percentile(commandMs, 0.99)),
                ["maxMs"] = Round(commandMs.Count == 0 ? double.NaN : commandMs[^1]),
                ["powerObservedP50Ms"] = Round(Percentile(observedMs, 0.50)),
                ["powerObservedP99Ms"] = Round(Percentile(observedMs, 0.99)),
                ["capViolations"] = monitor.Violations,
                ["capSamples"] = monitor.Samples,
                ["maxCommandedKw"] = Round(monitor.MaxGridW / 1000),
                ["capKw"] = Round(site.Grid.ImportCap.Kilowatts),
                ["missing"] = missing,
                ["connectSeconds"] = Round(connect.Elapsed.TotalSeconds - dispatchClock.Elapsed.TotalSeconds),
                ["dispatchSeconds"] = Round(dispatchSeconds),
            };
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var a in agents)
            {
                await a.DisposeAsync();
            }
        }
    }

    private static async Task<(List<double> Command, List<double> Observed, int Missing)> StepAsync(
        MqttLink grid, AgentTopics topics, DemandResponseLog evidence, List<MqttAgent> agents, double hz, TimeProvider time, CancellationToken ct)
    {
        var sheds = new Dictionary<string, DemandResponseEvent>(StringComparer.Ordinal);
        var observed = new Dictionary<string, DemandResponseEvent>(StringComparer.Ordinal);
        var gate = new Lock();
        var stepAt = time.GetUtcNow();
        void OnEvent(DemandResponseEvent e)
        {
            if (e.Kind != "frequency" || e.SignalAt < stepAt)
            {
                return;
            }

            lock (gate)
            {
                sheds[e.Node] = e;
                if (e.PowerObservedAt is not null)
                {
                    observed[e.Node] = e;
                }
            }
        }

        evidence.Recorded += OnEvent;
        try
        {
            stepAt = time.GetUtcNow();
            await grid.PublishAsync(topics.Frequency, AgentJson.Serialize(new FrequencySample(hz, stepAt)), 0, false, ct);
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                lock (gate)
                {
                    if (observed.Count >= agents.Count)
                    {
                        break;
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), time, ct);
            }
        }
        finally
        {
            evidence.Recorded -= OnEvent;
        }

        lock (gate)
        {
            return (
                [.. sheds.Values.Select(e => (e.CommandedAt - stepAt).TotalMilliseconds)],
                [.. observed.Values.Select(e => (e.PowerObservedAt!.Value - stepAt).TotalMilliseconds)],
                agents.Count - sheds.Count);
        }
    }

    /// <summary>Nominal frequency until every agent has brought its load back (staggered by each agent itself).</summary>
    private static async Task RestoreAsync(MqttLink grid, AgentTopics topics, List<MqttAgent> agents, double target, TimeProvider time, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (agents.Sum(a => a.Core.CommandedW) < target - 1 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await grid.PublishAsync(topics.Frequency, AgentJson.Serialize(new FrequencySample(50.0, time.GetUtcNow())), 0, false, ct);
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct);
        }
    }

    private static async Task DispatchAsync(FleetSequencer sequencer, Fleet fleet, MqttAgentTransport transport,
        List<Contracts.Agents.GpuAssignment> wanted, Site site, TimeProvider time, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        do
        {
            var now = time.GetUtcNow();
            var result = sequencer.Sequence(wanted, site.Grid.ImportCap, now, now + TimeSpan.FromSeconds(10));
            foreach (var batch in result.Batches)
            {
                fleet.Sent(batch);
                await transport.SendAsync(batch, ct);
            }
        }
        while (await timer.WaitForNextTickAsync(ct));
    }

    private static async Task TickAsync(List<MqttAgent> agents, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        while (await timer.WaitForNextTickAsync(ct))
        {
            foreach (var a in agents)
            {
                await a.TickAsync(ct);
            }
        }
    }

    private static async Task SwallowCancellation(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // stopped at the end of the run
        }
    }

    private static Site BenchSite(int gpus)
    {
        // The cap leaves room for mining on every GPU plus a little: a violation means a real fault.
        var baseLoad = 50_000.0;
        var cap = baseLoad + (gpus * MiningW * (1 + CoolingOverhead) * 1.02);
        return new Site
        {
            Name = "bench",
            TimeZone = TimeZoneInfo.Utc,
            Currency = Currency.Eur,
            Grid = new GridConnection(Power.FromWatts(cap), Power.FromWatts(baseLoad), new GridTariff(EnergyPrice.EurPerMwh(0), EnergyPrice.EurPerMwh(0))),
            Pools = [new GpuPool("bench", "bench", gpus, Power.FromWatts(GpuMinW), Power.FromWatts(GpuIdleW), Power.FromWatts(GpuMaxW), null, CoolingOverhead)],
            HeatLoops = [],
            Workloads = [],
            Policy = new OperatorPolicy(OperatorPolicy.DefaultShedOrder, null, null, TimeSpan.Zero, SafeState.Idle)
            {
                // FFR stages; restore quickly so the bench can repeat steps.
                DemandResponse = DemandResponsePolicy.NordicFfr with { RestoreHold = TimeSpan.FromSeconds(1), RestoreStagger = TimeSpan.FromSeconds(2) },
            },
        };
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 1) : -1;

    private static string Describe(Dictionary<string, object> r) => string.Create(CultureInfo.InvariantCulture,
        $"{r["agents"]} agents x {r["gpusPerAgent"]} GPUs via {r["broker"]}: frequency step → GPUs commanded p50 {r["p50Ms"]} ms, p99 {r["p99Ms"]} ms, max {r["maxMs"]} ms; "
        + $"power observed down p50 {r["powerObservedP50Ms"]} ms, p99 {r["powerObservedP99Ms"]} ms; cap violations {r["capViolations"]} in {r["capSamples"]} samples "
        + $"(max {r["maxCommandedKw"]} of {r["capKw"]} kW); missing {r["missing"]}");

    /// <summary>Samples the site's commanded grid power (every agent's commanded GPU power, cooling, base load) against the cap.</summary>
    private sealed class CapMonitor(List<MqttAgent> agents, Site site)
    {
        public long Samples { get; private set; }

        public long Violations { get; private set; }

        public double MaxGridW { get; private set; }

        public async Task RunAsync(TimeProvider time, CancellationToken ct)
        {
            var overhead = 1 + site.Pools[0].CoolingOverhead;
            while (!ct.IsCancellationRequested)
            {
                var grid = site.Grid.BaseLoad.Watts + (agents.Sum(a => a.Core.CommandedW) * overhead);
                Samples++;
                MaxGridW = Math.Max(MaxGridW, grid);
                if (grid > site.Grid.ImportCap.Watts + 1e-6)
                {
                    Violations++;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(5), time, ct);
            }
        }
    }
}
