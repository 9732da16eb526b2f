using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Telemetry.Health;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// <c>heatgrid bench dr --agents N</c>: N node agents, each its own MQTT client with simulated GPUs,
/// and a controller that dispatches mining to all of them through a broker (the embedded one, or
/// <c>--broker</c>). Then under-frequency steps are published on the frequency topic. The headline, from
/// the agents' own evidence: the time from the step (the sample's own time, its publication) to each
/// agent's power observed down on its GPUs' reading (p50/p99/max), held against the FFR stage's deadline
/// (how many met it); second, the time to each agent having commanded its GPUs. Meanwhile the sum of what
/// every agent commands is sampled against the cap. With <c>--processes K</c> the agents run in K child
/// processes (<c>bench dr-agents</c>) and the sum is what they report on the broker.
/// </summary>
internal static class DemandResponseBench
{
    public static Command Create()
    {
        var agents = new Option<int>("--agents") { Description = "Node agents (each its own MQTT client).", DefaultValueFactory = _ => 100 };
        var gpus = new Option<int>("--gpus-per-agent") { Description = "Simulated GPUs per agent.", DefaultValueFactory = _ => 8 };
        var steps = new Option<int>("--steps") { Description = "Under-frequency steps to measure (each followed by a restore).", DefaultValueFactory = _ => 3 };
        var broker = new Option<string?>("--broker") { Description = "mqtt://HOST:PORT of a broker (mosquitto); default: an embedded broker on 127.0.0.1." };
        var processes = new Option<int>("--processes")
        {
            Description = "Processes the agents run in: 1 = the bench's own; more = child processes, the agents split among them.",
            DefaultValueFactory = _ => 1,
        };
        var json = new Option<bool>("--json");
        var command = new Command("dr", "Demand response: frequency step → every agent's power observed down against the stage deadline (p50/p99/max, met), → GPUs commanded, and cap violations.")
        {
            agents, gpus, steps, broker, processes, json,
        };
        command.SetAction((r, ct) => RunAsync(r.GetValue(agents), r.GetValue(gpus), r.GetValue(steps), r.GetValue(broker), r.GetValue(processes), r.GetValue(json), ct));
        return command;
    }

    internal static async Task SwallowCancellation(Task task)
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

    private static async Task<int> RunAsync(int agentCount, int gpusPerAgent, int steps, string? brokerUri, int processes, bool json, CancellationToken ct)
    {
        if (agentCount < 1 || gpusPerAgent < 1 || steps < 1)
        {
            await Console.Error.WriteLineAsync("--agents, --gpus-per-agent and --steps must be at least 1");
            return 2;
        }

        if (processes < 1 || processes > agentCount)
        {
            await Console.Error.WriteLineAsync("--processes must be at least 1 and at most --agents");
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
            var childBroker = brokerUri ?? string.Create(CultureInfo.InvariantCulture, $"mqtt://127.0.0.1:{broker.Port}");
            var result = await MeasureAsync(agentCount, gpusPerAgent, steps, processes, broker, childBroker, ct);
            result["broker"] = brokerUri is null ? "embedded" : broker.ToString();
            await Console.Out.WriteLineAsync(json ? JsonSerializer.Serialize(result) : Describe(result));
            return (int)result["missing"] == 0 && (int)result["notObserved"] == 0 ? 0 : 1;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            await Console.Error.WriteLineAsync("bench dr: " + e.Message);
            return 1;
        }
        finally
        {
            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }
        }
    }

    private static async Task<Dictionary<string, object>> MeasureAsync(int agentCount, int gpusPerAgent, int steps, int processes,
        MqttBrokerOptions broker, string childBroker, CancellationToken ct)
    {
        var time = TimeProvider.System;
        var runId = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var site = DemandResponseBenchSite.Create(agentCount * gpusPerAgent);
        var topics = new AgentTopics(site.Name);
        var secret = DemandResponseBenchSite.NewSecret();

        // Agents: each with its own MQTT client and simulated GPUs, in this process or in child processes.
        var connect = Stopwatch.StartNew();
        await using IDemandResponseBenchAgents agents = processes == 1
            ? new InProcessBenchAgents(site, agentCount, gpusPerAgent, broker, runId, secret, time)
            : new ChildProcessBenchAgents(site, agentCount, gpusPerAgent, processes, childBroker, broker, runId, secret, time);
        await agents.StartAsync(ct);

        // Agents lost mid-run (a child process died) stop the run at once, with what happened.
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _ = agents.Lost.ContinueWith(_ =>
        {
            try
            {
                lost.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the run had already ended
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"bench dr: {agentCount} agents connected in {agents.Processes} process(es) after {connect.Elapsed.TotalSeconds:F1} s; dispatching"));
        try
        {
            return await MeasureAsync(agents, agentCount, gpusPerAgent, steps, broker, runId, secret, site, topics, connect, time, lost.Token);
        }
        catch (OperationCanceledException) when (agents.Lost.IsCompleted && !ct.IsCancellationRequested)
        {
            throw new InvalidOperationException(await agents.Lost);
        }
    }

    private static async Task<Dictionary<string, object>> MeasureAsync(IDemandResponseBenchAgents agents, int agentCount, int gpusPerAgent, int steps,
        MqttBrokerOptions broker, string runId, byte[] secret, Site site, AgentTopics topics, Stopwatch connect, TimeProvider time, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            // The controller.
            var fleet = new Fleet(site, time, NullLogger<Fleet>.Instance);
            var evidence = new DemandResponseLog(null, NullLogger<DemandResponseLog>.Instance);
            await using var controllerLink = new MqttLink(broker with { ClientId = $"heatgrid-bench-{runId}-controller", SessionExpiry = TimeSpan.FromSeconds(30) },
                time, NullLogger<MqttLink>.Instance);
            var epoch = time.GetUtcNow().ToUnixTimeMilliseconds();
            var sequencer = new FleetSequencer(site, fleet, epoch, time.GetUtcNow());
            var alarms = new Alarms(time, NullLogger<Alarms>.Instance);
            var guard = new ControllerEpochGuard(sequencer, alarms, time, NullLogger<ControllerEpochGuard>.Instance, dataFolder: null);
            var transport = new MqttAgentTransport(controllerLink, topics, fleet, evidence, DemandResponseBenchSite.ControllerKeys(secret, agentCount), guard,
                alarms, time, NullLogger<MqttAgentTransport>.Instance);
            await controllerLink.StartAsync(ct);
            if (!await controllerLink.WaitConnectedAsync(TimeSpan.FromSeconds(10), ct))
            {
                throw new InvalidOperationException($"the controller could not connect to {broker}: {controllerLink.LastError}");
            }

            await transport.AnnounceAsync(online: true, ct);

            // Dispatch mining to every GPU and wait until every agent holds it.
            var dispatchClock = Stopwatch.StartNew();
            var dispatchedAt = time.GetUtcNow();
            var wanted = Enumerable.Range(0, agentCount).SelectMany(a => Enumerable.Range(0, gpusPerAgent).Select(g =>
                new Contracts.Agents.GpuAssignment(DemandResponseBenchSite.Gpu(a, g), "mining", Power.FromWatts(DemandResponseBenchSite.MiningW),
                    DateTimeOffset.MaxValue, epoch) { Shed = ShedStep.Mining })).ToList();
            var dispatching = DispatchAsync(new FleetAgentLink(fleet, sequencer, transport, time), wanted, site, time, stop.Token);
            var target = agentCount * gpusPerAgent * DemandResponseBenchSite.MiningW;
            while (agents.CommandedW(dispatchedAt) < target - 1)
            {
                if (dispatchClock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException("the agents did not reach the dispatched mining power within 60 s");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
            }

            var dispatchSeconds = dispatchClock.Elapsed.TotalSeconds;
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"bench dr: every agent holds its load after {dispatchSeconds:F1} s; {steps} frequency step(s)"));

            // Frequency steps.
            await using var gridLink = new MqttLink(broker with { ClientId = $"heatgrid-bench-{runId}-grid" }, time, NullLogger<MqttLink>.Instance);
            await gridLink.StartAsync(ct);
            await gridLink.WaitConnectedAsync(TimeSpan.FromSeconds(10), ct);
            var shed = new List<DemandResponseEvent>();
            var missing = 0;
            var stepHz = new[] { 49.6, 49.5, 49.7 };
            for (var s = 0; s < steps; s++)
            {
                var hz = stepHz[s % stepHz.Length];
                var (events, absent) = await StepAsync(gridLink, topics, evidence, agentCount, hz, time, ct);
                shed.AddRange(events);
                missing += absent;
                await RestoreAsync(gridLink, topics, agents, target, time, ct);
            }

            await stop.CancelAsync();
            await SwallowCancellation(dispatching);

            // The step's sample carries the bench's own time of publication: SignalAt is when it was published.
            var commandMs = Sorted(shed.Select(e => (e.CommandedAt - e.SignalAt).TotalMilliseconds));
            var downMs = Sorted(shed.Where(e => e.PowerDownSeconds is not null).Select(e => e.PowerDownSeconds!.Value * 1000));
            var readings = shed.Select(e => e.PowerReading ?? "unstated").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            return new Dictionary<string, object>
            {
                ["agents"] = agentCount,
                ["gpusPerAgent"] = gpusPerAgent,
                ["processes"] = agents.Processes,
                ["steps"] = steps,
                ["powerDownP50Ms"] = Round(Percentile(downMs, 0.50)),
                ["powerDownP99Ms"] = Round(Percentile(downMs, 0.99)),
                ["powerDownMaxMs"] = Round(downMs.Count == 0 ? double.NaN : downMs[^1]),
                ["powerDownSamples"] = downMs.Count,
                ["metDeadline"] = shed.Count(e => e.MetDeadline == true),
                ["deadlineMs"] = Round(shed.Count == 0 ? double.NaN : shed.Min(e => e.DeadlineSeconds) * 1000),
                ["notObserved"] = shed.Count(e => e.PowerObservedAt is null),
                ["powerReading"] = string.Join(",", readings),
                ["powerReadingWindowMs"] = Round(shed.Select(e => e.PowerReadingWindowMs ?? double.NaN).DefaultIfEmpty(double.NaN).Max()),
                ["stages"] = shed.GroupBy(e => (e.Threshold, e.DeadlineSeconds)).OrderByDescending(g => g.Key.DeadlineSeconds).Select(g => Stage(g.Key.Threshold, g.Key.DeadlineSeconds, [.. g])).ToList(),
                ["samples"] = commandMs.Count,
                ["commandP50Ms"] = Round(Percentile(commandMs, 0.50)),
                ["commandP99Ms"] = Round(Percentile(commandMs, 0.99)),
                ["commandMaxMs"] = Round(commandMs.Count == 0 ? double.NaN : commandMs[^1]),
                ["capViolations"] = agents.Cap.Violations,
                ["capSamples"] = agents.Cap.Samples,
                ["maxCommandedKw"] = Round(agents.Cap.MaxGridW / 1000),
                ["capKw"] = Round(site.Grid.ImportCap.Kilowatts),
                ["missing"] = missing,
                ["connectSeconds"] = Round(connect.Elapsed.TotalSeconds - dispatchClock.Elapsed.TotalSeconds),
                ["dispatchSeconds"] = Round(dispatchSeconds),
            };
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    /// <summary>One step: every agent's latest evidence of it (observed down where it was within 10 s), and how many agents gave none.</summary>
    private static async Task<(List<DemandResponseEvent> Events, int Missing)> StepAsync(
        MqttLink grid, AgentTopics topics, DemandResponseLog evidence, int agentCount, double hz, TimeProvider time, CancellationToken ct)
    {
        var sheds = new Dictionary<string, DemandResponseEvent>(StringComparer.Ordinal);
        var observed = 0;
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
                var before = sheds.TryGetValue(e.Node, out var known) && known.PowerObservedAt is not null;
                if (!before)
                {
                    sheds[e.Node] = e;
                    observed += e.PowerObservedAt is not null ? 1 : 0;
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
                    if (observed >= agentCount)
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

        // CommandedAt and PowerObservedAt are the agents' clocks, SignalAt (= stepAt) the bench's: with --processes
        // they are other processes, but on this same machine, reading the same system clock.
        lock (gate)
        {
            return ([.. sheds.Values], agentCount - sheds.Count);
        }
    }

    /// <summary>
    /// Nominal frequency until every agent has brought its load back (staggered by each agent itself). Only
    /// figures known since the restore began count, so that a report from before the shed, still the latest
    /// one the bench holds of an agent in another process, cannot pass for a restore.
    /// </summary>
    private static async Task RestoreAsync(MqttLink grid, AgentTopics topics, IDemandResponseBenchAgents agents, double target, TimeProvider time, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var since = time.GetUtcNow();
        while (agents.CommandedW(since) < target - 1 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await grid.PublishAsync(topics.Frequency, AgentJson.Serialize(new FrequencySample(50.0, time.GetUtcNow())), 0, false, ct);
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct);
        }
    }

    private static async Task DispatchAsync(FleetAgentLink link, List<Contracts.Agents.GpuAssignment> wanted, Site site, TimeProvider time, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        do
        {
            // Renewed every tick, as the control loop renews its assignments: they hold for 10 s.
            var until = time.GetUtcNow() + TimeSpan.FromSeconds(10);
            await link.SendAsync([.. wanted.Select(a => a with { ValidUntil = until })], new CapLimits(site.Grid.ImportCap, site.Grid.BaseLoad), ct);
        }
        while (await timer.WaitForNextTickAsync(ct));
    }

    private static double Percentile(List<double> sorted, double p) => DemandResponseSummary.NearestRank(sorted, p) ?? double.NaN;

    private static List<double> Sorted(IEnumerable<double> values)
    {
        var list = values.ToList();
        list.Sort();
        return list;
    }

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 1) : -1;

    private static Dictionary<string, object> Stage(double thresholdHz, double deadlineSeconds, List<DemandResponseEvent> events)
    {
        var down = Sorted(events.Where(e => e.PowerDownSeconds is not null).Select(e => e.PowerDownSeconds!.Value * 1000));
        return new Dictionary<string, object>
        {
            ["thresholdHz"] = thresholdHz,
            ["deadlineMs"] = Round(deadlineSeconds * 1000),
            ["samples"] = events.Count,
            ["met"] = events.Count(e => e.MetDeadline == true),
            ["powerDownP50Ms"] = Round(Percentile(down, 0.50)),
            ["powerDownP99Ms"] = Round(Percentile(down, 0.99)),
            ["powerDownMaxMs"] = Round(down.Count == 0 ? double.NaN : down[^1]),
        };
    }

    private static string Describe(Dictionary<string, object> r)
    {
        var stages = string.Join("; ", ((List<Dictionary<string, object>>)r["stages"]).Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s["thresholdHz"]} Hz stage: {s["met"]} of {s["samples"]} within {s["deadlineMs"]} ms, p50 {s["powerDownP50Ms"]} ms, p99 {s["powerDownP99Ms"]} ms, max {s["powerDownMaxMs"]} ms")));
        return string.Create(CultureInfo.InvariantCulture,
            $"{r["agents"]} agents x {r["gpusPerAgent"]} GPUs in {r["processes"]} process(es) via {r["broker"]}:\n"
            + $"  frequency step → power observed down ({r["powerReading"]} reading, {r["powerReadingWindowMs"]}-ms window): p50 {r["powerDownP50Ms"]} ms, p99 {r["powerDownP99Ms"]} ms, max {r["powerDownMaxMs"]} ms; "
            + $"{r["metDeadline"]} of {r["samples"]} within the stage deadline; not observed {r["notObserved"]}\n"
            + $"  {stages}\n"
            + $"  frequency step → GPUs commanded: p50 {r["commandP50Ms"]} ms, p99 {r["commandP99Ms"]} ms, max {r["commandMaxMs"]} ms; missing {r["missing"]}\n"
            + $"  cap violations {r["capViolations"]} in {r["capSamples"]} samples (max {r["maxCommandedKw"]} of {r["capKw"]} kW)");
    }
}
