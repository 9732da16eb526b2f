using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Scheduler.Agents;
using Energy.Scheduler.Control;
using Energy.Telemetry.Signals;
using Energy.Telemetry.Simulation;
using Microsoft.Extensions.Hosting;

namespace Energy.Scheduler.Demo;

/// <summary>
/// The physical world of <c>heatgrid run</c>'s demo: each second it turns the simulated GPUs' power
/// into heat flows on every loop (tank, dry cooler, boiler) against a synthetic heat demand, and
/// publishes what meters would report. In production, meters on Modbus and MQTT publish these signals.
/// </summary>
public sealed class DemoWorld : BackgroundService
{
    private const string Source = "demo-simulator";

    private readonly Site _site;
    private readonly IAgentLink _agents;
    private readonly SignalRegistry _signals;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, HeatLoopSimulator> _loops;
    private DateTimeOffset _last;

    public DemoWorld(Site site, IAgentLink agents, SignalRegistry signals, TimeProvider time)
    {
        _site = site;
        _agents = agents;
        _signals = signals;
        _time = time;
        _loops = site.HeatLoops.ToDictionary(l => l.Name, l => new HeatLoopSimulator(l), StringComparer.Ordinal);
        _last = time.GetUtcNow();

        // Sensors answer from the first moment, so the first plan is made on readings, not on fallbacks.
        foreach (var loop in site.HeatLoops)
        {
            Publish(loop.Name, "heatDemandKw", SyntheticHeatDemand.At(loop, _last, site.TimeZone).Kilowatts, _last);
            Publish(loop.Name, "tankStoredKwh", _loops[loop.Name].Stored.KilowattHours, _last);
        }
    }

    public IReadOnlyDictionary<string, HeatFlows> LatestFlows { get; private set; } = new Dictionary<string, HeatFlows>();

    public async Task StepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var dt = now - _last;
        if (dt <= TimeSpan.Zero)
        {
            return;
        }

        _last = now;
        var gpus = await _agents.ReadAsync(cancellationToken);
        var flows = new Dictionary<string, HeatFlows>(StringComparer.Ordinal);
        foreach (var loop in _site.HeatLoops)
        {
            var pools = _site.Pools.Where(p => p.HeatLoop == loop.Name).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var gpuPower = Contracts.Units.Power.FromWatts(gpus.Where(g => pools.Contains(g.Pool)).Sum(g => g.Power.Watts));
            var f = _loops[loop.Name].Step(gpuPower, SyntheticHeatDemand.At(loop, now, _site.TimeZone), dt);
            flows[loop.Name] = f;
            Publish(loop.Name, "heatDemandKw", f.Demand.Kilowatts, now);
            Publish(loop.Name, "heatCapturedKw", f.Captured.Kilowatts, now);
            Publish(loop.Name, "heatDeliveredKw", f.Delivered.Kilowatts, now);
            Publish(loop.Name, "tankChargeKw", (f.ToStorage + f.BoilerToStorage).Kilowatts, now);
            Publish(loop.Name, "tankDischargeKw", f.FromStorage.Kilowatts, now);
            Publish(loop.Name, "tankStoredKwh", f.StoredAtEnd.KilowattHours, now);
            Publish(loop.Name, "heatDumpedKw", f.Dumped.Kilowatts, now);
            Publish(loop.Name, "boilerKw", (f.Boiler + f.BoilerToStorage).Kilowatts, now);
            Publish(loop.Name, "heatShortfallKw", f.Shortfall.Kilowatts, now);
        }

        LatestFlows = flows;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        while (await timer.TickOrStopAsync(stoppingToken)
            && !stoppingToken.IsCancellationRequested)
        {
            await StepAsync(stoppingToken);
        }
    }

    private void Publish(string loop, string field, double value, DateTimeOffset at)
    {
        var unit = field.EndsWith("Kwh", StringComparison.Ordinal) ? "kWh" : "kW";
        _signals.Publish(Reading.Good($"{loop}.{field}", value, unit, at, Source));
    }
}
