using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.Agents;
using Energy.Telemetry.Health;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller.Agents;

/// <summary>
/// A controller's <see cref="Fleet"/> of epoch 100 started at <see cref="Start"/> on a site with 1000 W base load
/// and one pool "p" of 16 GPUs (200–700 W, idle 80 W, no cooling overhead, so grid watts are GPU watts plus the base load).
/// Agents are played by hand: heartbeats, telemetry and acknowledgements are built here.
/// </summary>
internal sealed class FleetRig
{
    public const long Epoch = 100;
    public const double BaseW = 1000;

    public static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public FleetRig(double capW = 10_000, SafeState safe = SafeState.Idle, bool withSequencer = false)
    {
        Site = MakeSite(capW, safe);
        Alarms = new Alarms(Time, NullLogger<Alarms>.Instance);
        Fleet = new Fleet(Site, Time, Logger, alarms: Alarms);
        if (withSequencer)
        {
            Sequencer = new FleetSequencer(Site, Fleet, Epoch, Start);
        }
        else
        {
            Fleet.Begin(Epoch, Start);
        }
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public CapturingLogger<Fleet> Logger { get; } = new();

    public Alarms Alarms { get; }

    public Site Site { get; }

    public Fleet Fleet { get; }

    public FleetSequencer? Sequencer { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public static Site MakeSite(double capW, SafeState safe = SafeState.Idle, double overhead = 0) => new()
    {
        Name = "fleet-test",
        TimeZone = TimeZoneInfo.Utc,
        Currency = Currency.Eur,
        Grid = new GridConnection(Power.FromWatts(capW), Power.FromWatts(BaseW), new GridTariff(EnergyPrice.EurPerMwh(0), EnergyPrice.EurPerMwh(0))),
        Pools = [new GpuPool("p", "GPU", 16, Power.FromWatts(200), Power.FromWatts(80), Power.FromWatts(700), null, overhead)],
        HeatLoops = [],
        Workloads = [],
        Policy = new OperatorPolicy(OperatorPolicy.DefaultShedOrder, null, null, TimeSpan.Zero, safe),
    };

    public static AgentHeartbeat Heartbeat(string node, DateTimeOffset at, bool online, params string[] gpus) =>
        new(AgentJson.Version, node, online, at, "simulated", 10, 0, [.. gpus.Select(g => new GpuInventoryItem(g, "p", "GPU", 200, 80, 700))]);

    public static GpuTelemetry GpuAt(string gpu, double targetW, string? workload = "work", double? wantedW = null) =>
        new(gpu, "p", workload, targetW, wantedW ?? targetW, targetW, targetW, 0, 50, 0, workload is null ? "idle" : "running");

    public static GpuCommand Command(string gpu, double targetW, string? workload = "work", ShedStep? shed = ShedStep.Mining) =>
        new(gpu, workload, targetW, workload is null ? null : shed);

    /// <summary>A heartbeat from <paramref name="node"/> offering <paramref name="gpus"/>, received now.</summary>
    public void Hello(string node, params string[] gpus) => Fleet.OnHeartbeat(Heartbeat(node, Now, true, gpus), Now);

    /// <summary>Telemetry measured and received now, of our epoch unless told otherwise.</summary>
    public void Report(string node, long seq, params GpuTelemetry[] gpus) => Report(node, Epoch, seq, Now, gpus);

    public void Report(string node, long epoch, long seq, DateTimeOffset at, params GpuTelemetry[] gpus) =>
        Fleet.OnTelemetry(new AgentTelemetry(AgentJson.Version, node, at, epoch, seq, "following", 10_000, gpus.Sum(g => g.TargetW), gpus), Now);

    /// <summary>A known agent: heartbeat and telemetry of our epoch with its GPUs at these targets.</summary>
    public void Known(string node, params GpuTelemetry[] gpus)
    {
        Hello(node, [.. gpus.Select(g => g.Gpu)]);
        Report(node, 0, gpus);
    }

    public AssignmentBatch Send(string node, long seq, TimeSpan validFor, params GpuCommand[] gpus)
    {
        var batch = new AssignmentBatch(AgentJson.Version, node, Epoch, seq, Now, Now + validFor, 10_000, gpus);
        Fleet.Sent(batch);
        return batch;
    }

    public void Ack(string node, long seq, string? refusal = null) =>
        Fleet.OnAck(new AssignmentAck(AgentJson.Version, node, Epoch, seq, Now, 0, 0, refusal, []), Now);

    public FleetGpu Of(string gpu) => Fleet.Gpus(Now).Single(g => g.State.GpuId == gpu);

    public double BoundW(string gpu) => Of(gpu).State.PowerTarget.Watts;
}
