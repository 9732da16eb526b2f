using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Gpu.Agents;
using Energy.Gpu.Devices;
using Energy.Gpu.Simulation;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.NodeAgent;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// The site of <c>heatgrid bench dr</c> and its node agents, built the same way whether the agents live
/// in the bench's process or in <c>bench dr-agents</c> children: node <c>i</c> is <c>node{i:D4}</c> with
/// GPUs <c>node{i:D4}/{g}</c>, each agent its own MQTT client with simulated GPUs.
/// </summary>
internal static class DemandResponseBenchSite
{
    public const double MiningW = 500;
    private const double GpuMaxW = 700;
    private const double GpuMinW = 200;
    private const double GpuIdleW = 80;
    private const double CoolingOverhead = 0.05;

    public static Site Create(int gpus)
    {
        // The cap leaves room for mining on every GPU plus a little: a violation means a real fault.
        var baseLoad = 50_000.0;
        var pool = new GpuPool("bench", "bench", gpus, Power.FromWatts(GpuMinW), Power.FromWatts(GpuIdleW), Power.FromWatts(GpuMaxW), null, CoolingOverhead);
        var cap = baseLoad + (pool.GridPowerFor(Power.FromWatts(gpus * MiningW)).Watts * 1.02);
        return new Site
        {
            Name = "bench",
            TimeZone = TimeZoneInfo.Utc,
            Currency = Currency.Eur,
            Grid = new GridConnection(Power.FromWatts(cap), Power.FromWatts(baseLoad), new GridTariff(EnergyPrice.EurPerMwh(0), EnergyPrice.EurPerMwh(0))),
            Pools = [pool],
            HeatLoops = [],
            Workloads = [],
            Policy = new OperatorPolicy(OperatorPolicy.DefaultShedOrder, null, null, TimeSpan.Zero, SafeState.Idle)
            {
                // FFR stages; restore quickly so the bench can repeat steps.
                DemandResponse = DemandResponsePolicy.NordicFfr with { RestoreHold = TimeSpan.FromSeconds(1), RestoreStagger = TimeSpan.FromSeconds(2) },
            },
        };
    }

    /// <summary>The variable that hands a bench run's key secret to its <c>bench dr-agents</c> children (not the command line, which <c>ps</c> shows).</summary>
    public const string SecretVariable = "HEATGRID_BENCH_AGENT_SECRET";

    /// <summary>A fresh secret for one bench run: every agent's key is derived from it, so the run is signed like a real site.</summary>
    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(AgentKey.MinBytes);

    /// <summary>Agent <paramref name="node"/>'s key in a run with <paramref name="secret"/>: HMAC-SHA256(secret, node).</summary>
    public static AgentKey KeyOf(byte[] secret, string node) => new(node, "bench", HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(node)));

    /// <summary>The controller's keys for agents 0 … <paramref name="count"/> − 1.</summary>
    public static AgentKeyRing ControllerKeys(byte[] secret, int count) =>
        AgentKeyRing.Of(Enumerable.Range(0, count).Select(i => KeyOf(secret, Node(i))), NullLogger.Instance);

    public static string Node(int index) => string.Create(CultureInfo.InvariantCulture, $"node{index:D4}");

    public static string Gpu(int agent, int gpu) => string.Create(CultureInfo.InvariantCulture, $"{Node(agent)}/{gpu}");

    /// <summary>Agents <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 of the site, not yet started.</summary>
    public static List<MqttAgent> CreateAgents(Site site, int first, int count, int gpusPerAgent, MqttBrokerOptions broker, string runId, byte[] secret,
        TimeProvider time)
    {
        var topics = new AgentTopics(site.Name);
        var options = AgentOptions.From(site.Policy);
        var agents = new List<MqttAgent>(count);
        for (var i = first; i < first + count; i++)
        {
            var node = Node(i);
            var gpus = Enumerable.Range(0, gpusPerAgent).Select(g => (IGpuDevice)new SimulatedGpu(
                Gpu(i, g), "bench", "bench", Power.FromWatts(GpuMinW), Power.FromWatts(GpuIdleW), Power.FromWatts(GpuMaxW), time)).ToList();
            var core = new AgentCore(node, gpus, options, time, NullLogger<AgentCore>.Instance);
            var link = new MqttLink(broker with
            {
                ClientId = $"heatgrid-bench-{runId}-{node}",
                StatusTopic = topics.Status(node),
                SessionExpiry = TimeSpan.FromSeconds(30),
                KeepAlive = TimeSpan.FromSeconds(60),
            }, time, NullLogger<MqttLink>.Instance);
            agents.Add(new MqttAgent(core, link, topics, AgentKeyRing.Of([KeyOf(secret, node)], NullLogger.Instance), "simulated", TimeSpan.FromSeconds(10), time, NullLogger<MqttAgent>.Instance));
        }

        return agents;
    }

    /// <summary>Connects the agents, 50 at a time, and fails unless every one is connected within 30 s.</summary>
    public static async Task ConnectAsync(List<MqttAgent> agents, MqttBrokerOptions broker, CancellationToken ct)
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
    }

    /// <summary>Every agent's tick (dead-man, restore, evidence, telemetry) from one 100 ms timer, as one agent host would.</summary>
    public static async Task TickAsync(List<MqttAgent> agents, CancellationToken ct)
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

    public static async Task DisposeAsync(List<MqttAgent> agents)
    {
        foreach (var a in agents)
        {
            await a.DisposeAsync();
        }
    }
}
