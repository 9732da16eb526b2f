using Energy.Contracts.Heat;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.Agents;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Plant;

/// <summary>
/// The physical world of <c>heatgrid run</c>'s demo: each second it turns the simulated GPUs' power
/// into heat flows on every loop (tank, dry cooler, boiler) against a synthetic heat demand, adds what
/// a site meter would see (import, grid frequency, voltage), and hands the measurements to the demo's
/// sensors: the simulated Modbus devices, or the signal registry directly.
/// </summary>
public sealed class DemoWorld : BackgroundService
{
    private const double WaterKwhPerM3K = 1.163;

    private readonly Site _site;
    private readonly SiteLoad _load;
    private readonly IAgentLink _agents;
    private readonly DemoSensors _sensors;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, HeatLoopSimulator> _loops;
    private readonly Dictionary<string, double> _energyKwh;
    private readonly Dictionary<string, double> _shownKwh;
    private readonly DemoMeterRegisters? _registers;
    private readonly HashSet<string> _demandMetered;
    private DateTimeOffset _last;
    private double _baseLoadW;
    private double _frequencyHz = 50;

    public DemoWorld(Site site, IAgentLink agents, DemoSensors sensors, TimeProvider time, ILogger<DemoWorld>? logger = null,
        DemoMeterRegisters? registers = null)
    {
        // The meters' energy registers go on from where a previous run left them, as a real meter's do. With a data folder they
        // show what was last saved (every few seconds, like a meter module's refresh), so that no reader ever saw a value a
        // restart would take back.
        _registers = registers;
        _energyKwh = registers?.Load() ?? new Dictionary<string, double>(StringComparer.Ordinal);
        _shownKwh = new Dictionary<string, double>(_energyKwh, StringComparer.Ordinal);
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _site = site;
        _load = new SiteLoad(site);
        _baseLoadW = site.Grid.BaseLoad.Watts;
        _agents = agents;
        _sensors = sensors;
        _time = time;
        _loops = site.HeatLoops.ToDictionary(l => l.Name, l => new HeatLoopSimulator(l), StringComparer.Ordinal);
        _last = time.GetUtcNow();

        // Sensors answer from the first moment, so the first plan is made on readings, not on fallbacks:
        // the meters of a first second with idle GPUs, from a copy of each loop (the world itself starts untouched).
        _demandMetered = site.HeatLoops.Where(l => site.Maps(SignalNames.HeatDemandKw(l.Name))).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var initial = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var loop in site.HeatLoops)
        {
            var first = new HeatLoopSimulator(loop, _loops[loop.Name].Stored).Step(Power.Zero, SyntheticHeatDemand.At(loop, _last, site.TimeZone), TimeSpan.FromSeconds(1));
            HeatDemandMeters(initial, loop.Name, first);
            initial[$"{loop.Name}.tankStoredKwh"] = _loops[loop.Name].Stored.KilowattHours;
        }

        initial["grid.frequencyHz"] = _frequencyHz;

        // GPUs start idle: the site meter sees the base load and idle GPUs from the first poll.
        initial["grid.meteredImportKw"] = (BaseLoad + _load.IdleImport).Kilowatts;

        // The energy registers read what they held when the last run stopped, never 0 (which the books would take for a reset).
        foreach (var (register, kwh) in _shownKwh)
        {
            initial[register] = kwh;
        }

        _sensors.Publish(initial, _last);
    }

    public IReadOnlyDictionary<string, HeatFlows> LatestFlows { get; private set; } = new Dictionary<string, HeatFlows>();

    /// <summary>
    /// The load of the demo site that HeatGrid does not control (pumps, lights, a tenant's CPUs): the site
    /// file's base load at start; <c>POST /api/demo/base-load</c> changes it, so that the site meter — not
    /// the site file — shows HeatGrid what it really is.
    /// </summary>
    public Power BaseLoad
    {
        get => Power.FromWatts(Volatile.Read(ref _baseLoadW));
        set => Volatile.Write(ref _baseLoadW, value.Watts);
    }

    public async Task StepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var dt = now - _last;
        if (dt <= TimeSpan.Zero)
        {
            return;
        }

        _last = now;
        var gpus = (await _agents.ReadAsync(cancellationToken)).Select(g => g.State).ToList();
        var m = new Dictionary<string, double>(StringComparer.Ordinal);
        var flows = new Dictionary<string, HeatFlows>(StringComparer.Ordinal);
        foreach (var loop in _site.HeatLoops)
        {
            var pools = _site.Pools.Where(p => p.HeatLoop == loop.Name).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var gpuPower = Power.FromWatts(gpus.Where(g => pools.Contains(g.Pool)).Sum(g => g.Power.Watts));
            var f = _loops[loop.Name].Step(gpuPower, SyntheticHeatDemand.At(loop, now, _site.TimeZone), dt);
            flows[loop.Name] = f;
            Loop(m, loop, f, dt);
        }

        var importKw = _load.Import(BaseLoad, gpus.Select(g => (g.Pool, g.Power))).Kilowatts;
        m["grid.meteredImportKw"] = importKw;
        m["grid.importEnergyKwh"] = Accumulate("grid.importEnergyKwh", importKw, dt);

        // A grid's frequency wanders by tens of mHz around 50 Hz, pulled back by primary control.
        var noise = SyntheticMarket.Hash(now.ToUnixTimeMilliseconds() / 100) - 0.5;
        _frequencyHz += (0.01 * noise) - (0.2 * (_frequencyHz - 50) * dt.TotalSeconds);
        m["grid.frequencyHz"] = Math.Clamp(_frequencyHz, 49.8, 50.2);
        m["grid.voltageL1V"] = 230 + (2 * noise);

        // What the bathhouse's BMS and the tenants report over MQTT.
        var local = TimeZoneInfo.ConvertTime(now, _site.TimeZone);
        var season = Math.Cos(2 * Math.PI * (local.DayOfYear - 15) / 365.0);
        m["grid.outdoorTemperatureC"] = 10 - (9 * season) + (5 * Math.Sin(2 * Math.PI * (local.Hour - 9) / 24));
        foreach (var loop in _site.HeatLoops)
        {
            m[$"{loop.Name}.poolTemperatureC"] = 28 + noise;
            m[$"{loop.Name}.visitors"] = local.Hour is >= 6 and < 22 ? Math.Round(120 + (80 * Math.Sin(Math.PI * (local.Hour - 6) / 16))) : 0;
        }

        foreach (var tenant in _site.Workloads.OfType<InferenceWorkload>())
        {
            m[$"tenant.{tenant.Name}.demandGpus"] = tenant.DemandAt(now, _site.TimeZone);
        }

        LatestFlows = flows;
        if (_registers?.Save(_energyKwh, now) == true)
        {
            foreach (var (register, kwh) in _energyKwh)
            {
                _shownKwh[register] = kwh;
            }
        }
        _sensors.Publish(m, now);
        await _sensors.PublishMqttAsync(m, now, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        while (await timer.TickOrStopAsync(stoppingToken))
        {
            try
            {
                await StepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Loop boundary: the demo's world must not take the host down; the next second tries again.
                Log.DemoStepFailed(_logger, e);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        _registers?.Save(_energyKwh, _time.GetUtcNow(), force: true);
    }

    private void Loop(Dictionary<string, double> m, HeatLoop loop, HeatFlows f, TimeSpan dt)
    {
        var n = loop.Name;
        HeatDemandMeters(m, n, f);
        m[$"{n}.heatCapturedKw"] = f.Captured.Kilowatts;
        m[$"{n}.gpuHeatToConsumerKw"] = f.GpuToConsumer.Kilowatts;
        m[$"{n}.tankChargeKw"] = (f.ToStorage + f.BoilerToStorage).Kilowatts;
        m[$"{n}.tankDischargeKw"] = f.FromStorage.Kilowatts;
        m[$"{n}.tankStoredKwh"] = f.StoredAtEnd.KilowattHours;
        m[$"{n}.heatDumpedKw"] = f.Dumped.Kilowatts;
        m[$"{n}.boilerOn"] = f.Boiler + f.BoilerToStorage > Power.Zero ? 1 : 0;
        m[$"{n}.dryCoolerOn"] = f.Dumped > Power.Zero ? 1 : 0;

        // The consumer's heat meter on HeatGrid's supply: supply held at the design temperature, return cooler the more heat is drawn.
        var metered = f.Delivered.Kilowatts;
        var supply = loop.Consumer.SupplyTemperature.Celsius;
        var deltaK = 10 + (20 * Math.Min(1, metered / Math.Max(1, loop.Consumer.PeakDemand.Kilowatts)));
        m[$"{n}.supplyTemperatureC"] = supply;
        m[$"{n}.returnTemperatureC"] = supply - deltaK;
        m[$"{n}.flowM3PerHour"] = metered / (WaterKwhPerM3K * deltaK);
        m[$"{n}.heatEnergyKwh"] = Accumulate($"{n}.heatEnergyKwh", metered, dt);

        // Tank temperatures follow its charge between the 60 and 90 °C of a typical buffer tank.
        var fill = loop.Storage is { } tank ? f.StoredAtEnd / tank.Capacity : 0;
        m[$"{n}.tankTopTemperatureC"] = 62 + (28 * fill);
        m[$"{n}.tankBottomTemperatureC"] = 55 + (25 * fill);
    }

    /// <summary>
    /// What the meters say the consumer wanted: delivered (the heat meter), the boiler's heat to the consumer
    /// and the shortfall (the BMS). The boiler's top-up of the tank is not in boilerKw: it reaches the consumer
    /// later through the tank, as delivered heat. The demand itself only where the site has a meter for it;
    /// elsewhere HeatGrid derives it, as on a real site.
    /// </summary>
    private void HeatDemandMeters(Dictionary<string, double> m, string loop, HeatFlows f)
    {
        m[SignalNames.HeatDeliveredKw(loop)] = f.Delivered.Kilowatts;
        m[SignalNames.BoilerKw(loop)] = f.Boiler.Kilowatts;
        m[SignalNames.HeatShortfallKw(loop)] = f.Shortfall.Kilowatts;
        if (_demandMetered.Contains(loop))
        {
            m[SignalNames.HeatDemandKw(loop)] = f.Demand.Kilowatts;
        }
    }

    private double Accumulate(string counter, double kw, TimeSpan dt)
    {
        var total = _energyKwh.GetValueOrDefault(counter) + (kw * dt.TotalHours);
        _energyKwh[counter] = total;
        return _registers is null ? total : _shownKwh.GetValueOrDefault(counter);
    }
}
