using Energy.Contracts.Agents;
using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Agents;
using Energy.Scheduler.Dispatch;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Status;
using Energy.Telemetry.Signals;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Control;

/// <summary>
/// The 1-second loop: holds the plan's current slot on the GPUs (through the agent link, cap-safe),
/// measures what the site draws, and publishes status and telemetry. It never waits for planning.
/// </summary>
public sealed class ControlLoop(
    Site site,
    CurrentPlan plan,
    IAgentLink agents,
    SignalRegistry signals,
    ITimeSeriesStore store,
    StatusBoard board,
    TimeProvider time,
    ILogger<ControlLoop> logger,
    GridLimit? limit = null,
    DemandResponseLog? evidence = null) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <summary>How long an assignment holds without renewal before the agent falls back to the safe state.</summary>
    public static readonly TimeSpan AssignmentValidity = TimeSpan.FromSeconds(10);

    private readonly long _epoch = (agents as FleetAgentLink)?.Epoch ?? time.GetUtcNow().ToUnixTimeMilliseconds();
    private readonly GpuDispatcher _dispatcher = new(site);
    private readonly ThermalGuard _thermal = new(site);
    private string[] _hotLoops = [];
    private bool _inSafeState;
    private bool _holding;
    private int _ticks;

    /// <summary>Heat loops whose GPUs are held off work for over-temperature, as of the last tick (any thread may read it).</summary>
    public IReadOnlyList<string> HotLoops => Volatile.Read(ref _hotLoops);

    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var slot = plan.Plan?.SlotAt(now);
        if (slot is null && !_inSafeState)
        {
            Log.NoPlan(logger, now);
        }
        else if (slot is not null && _inSafeState)
        {
            Log.PlanRestored(logger);
        }

        _inSafeState = slot is null;

        var before = await agents.ReadAsync(cancellationToken);
        var fleet = agents as FleetAgentLink;
        var unavailable = fleet?.Unavailable(now);
        var wanted = _dispatcher.Assign(slot, before, now, now + AssignmentValidity, _epoch, unavailable);

        // Coolant too hot on a heat loop: its GPUs come off work, which moves to air-cooled pools where it may.
        var explanations = new List<string>();
        wanted = _thermal.Apply(wanted, before, l => signals.GoodValue(l.CoolantTemperatureSignal, now, TimeSpan.FromSeconds(30)), explanations);
        if (!_thermal.HotLoops.Order(StringComparer.Ordinal).SequenceEqual(_hotLoops, StringComparer.Ordinal))
        {
            Volatile.Write(ref _hotLoops, [.. _thermal.HotLoops.Order(StringComparer.Ordinal)]);
        }

        // A curtailment in force lowers the cap below what the plan assumed: shed in the operator's order first.
        var cap = limit?.CapAt(now) ?? site.Grid.ImportCap;
        var capSite = cap == site.Grid.ImportCap ? site : site with { Grid = site.Grid with { ImportCap = cap } };
        if (cap < site.Grid.ImportCap)
        {
            wanted = CapShedder.Fit(capSite, cap, wanted, before.ToDictionary(g => g.GpuId, g => g.Pool, StringComparer.Ordinal), explanations);
        }

        var ramp = site.Policy.RampLimitPerMinute is { } perMinute ? perMinute * (Period.TotalSeconds / 60) : (Power?)null;
        var (send, held) = CapGuard.Order(capSite, wanted, before, ramp);
        await agents.SendAsync(send, cancellationToken);
        if (held > 0 != _holding)
        {
            _holding = held > 0;
            if (_holding)
            {
                Log.IncreasesHeld(logger, held);
            }
            else
            {
                Log.IncreasesReleased(logger);
            }
        }

        var after = await agents.ReadAsync(cancellationToken);
        var status = Measure(now, slot, after, cap, explanations, Assignments(send, after, fleet, now));
        board.Publish(status);
        ObserveCurtailments(now, status.GridImportKw);
        signals.Publish(Reading.Good(SignalNames.GridImportKw, status.GridImportKw, Unit.Kilowatt, now, "control-loop"));
        store.TryWrite(Points(status));
        if (++_ticks % 10 == 0)
        {
            await store.FlushAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Loop boundary: one bad tick must not end control; assignments expire safely if ticks keep failing.
                Log.ControlTickFailed(logger, e);
            }
        }
        while (await timer.TickOrStopAsync(stoppingToken)
            && !stoppingToken.IsCancellationRequested);

        await store.FlushAsync(CancellationToken.None);
    }

    /// <summary>A curtailment's evidence gets the moment the site's import was first seen at or under its cap.</summary>
    private void ObserveCurtailments(DateTimeOffset now, double gridImportKw)
    {
        if (limit is null || evidence is null)
        {
            return;
        }

        foreach (var c in limit.Active(now))
        {
            if (evidence.Find("controller", c.Id) is { PowerObservedAt: null } e && gridImportKw <= c.Cap.Kilowatts)
            {
                evidence.Record(e with { PowerObservedAt = now, TargetW = gridImportKw * 1000 });
            }
        }
    }

    private static List<GpuAssignmentView> Assignments(IReadOnlyList<GpuAssignment> sent, IReadOnlyList<GpuState> gpus, FleetAgentLink? fleet, DateTimeOffset now)
    {
        var wanted = sent.ToDictionary(a => a.GpuId, StringComparer.Ordinal);
        var nodes = fleet?.NodesByGpu(now);
        return [.. gpus.Select(g =>
        {
            var a = wanted.GetValueOrDefault(g.GpuId);
            return new GpuAssignmentView(g.GpuId, nodes?.GetValueOrDefault(g.GpuId) ?? "local", g.Pool, a?.Workload, Math.Round(a?.PowerTarget.Watts ?? 0, 1),
                g.Workload, Math.Round(g.Power.Watts, 1), a?.Shed is { } shed ? JsonNaming(shed) : null);
        })];
    }

    private static string JsonNaming(Contracts.Policy.ShedStep step) => step switch
    {
        Contracts.Policy.ShedStep.Mining => "mining",
        Contracts.Policy.ShedStep.Heater => "heater",
        Contracts.Policy.ShedStep.InferenceAboveSla => "inferenceAboveSla",
        _ => "inferenceSla",
    };

    private SiteStatus Measure(DateTimeOffset now, Contracts.Planning.PlanSlot? slot, IReadOnlyList<GpuState> gpus, Power cap,
        List<string> controlExplanations, IReadOnlyList<GpuAssignmentView> assignments)
    {
        var overhead = site.Pools.ToDictionary(p => p.Name, p => 1 + p.CoolingOverhead, StringComparer.Ordinal);
        var gridKw = site.Grid.BaseLoad.Kilowatts + gpus.Sum(g => g.Power.Kilowatts * overhead[g.Pool]);
        var workloads = site.Workloads
            .Select(w => new WorkloadStatus(w.Name, w.Kind.ToString().ToLowerInvariant(),
                Round(gpus.Where(g => g.Workload == w.Name).Sum(g => g.Power.Kilowatts)),
                gpus.Count(g => g.Workload == w.Name)))
            .Append(new WorkloadStatus("idle", "idle", Round(gpus.Where(g => g.Workload is null).Sum(g => g.Power.Kilowatts)),
                gpus.Count(g => g.Workload is null)))
            .ToList();

        var loops = site.HeatLoops.Select(l => LoopStatus(l, now)).ToList();
        var heat = new HeatStatus(
            Round(loops.Sum(l => l.DemandKw)),
            Round(loops.Sum(l => l.DeliveredKw)),
            Round(loops.Sum(l => l.StoredKwh)),
            Round(loops.Sum(l => l.DumpedKw)),
            Round(loops.Sum(l => l.BoilerKw)));

        var warnings = new List<string>();
        if (slot is null)
        {
            warnings.Add("no plan covers now: GPUs held in the safe state");
        }

        warnings.AddRange(slot?.Violations ?? []);
        if (cap < site.Grid.ImportCap)
        {
            warnings.Add($"curtailed: the import cap in force is {Round(cap.Kilowatts)} kW (contract {site.Grid.ImportCap.Kilowatts} kW)");
        }

        return new SiteStatus(site.Name, now, slot?.SpotPrice.PerMegawattHour, site.Currency.Code, Round(gridKw),
            cap.Kilowatts, plan.Plan?.Planner ?? "none", agents.GpuBackend, workloads, heat, loops,
            [.. slot?.Explanations ?? [], .. _dispatcher.Explanations, .. controlExplanations], warnings)
        {
            GpuAssignments = assignments,
        };
    }

    private HeatLoopStatus LoopStatus(HeatLoop loop, DateTimeOffset now)
    {
        double Value(string field) => signals.GoodValue($"{loop.Name}.{field}", now, TimeSpan.FromSeconds(30)) is { } v ? Round(v) : 0;
        return new HeatLoopStatus(loop.Name, Value("heatDemandKw"), Value("heatCapturedKw"), Value("heatDeliveredKw"),
            Value("tankChargeKw"), Value("tankDischargeKw"), Value("tankStoredKwh"), Value("heatDumpedKw"), Value("boilerKw"),
            Value("heatShortfallKw"));
    }

    private static List<TimeSeriesPoint> Points(SiteStatus s)
    {
        KeyValuePair<string, string>[] siteTag = [new("site", s.Site)];
        var points = new List<TimeSeriesPoint> { new("grid", siteTag, "import_kw", s.GridImportKw, s.Time) };
        if (s.PriceEurPerMwh is { } price)
        {
            points.Add(new("grid", siteTag, "spot_price_per_mwh", price, s.Time));
        }

        foreach (var w in s.Workloads)
        {
            KeyValuePair<string, string>[] tags = [new("site", s.Site), new("workload", w.Name)];
            points.Add(new("workload", tags, "power_kw", w.PowerKw, s.Time));
            points.Add(new("workload", tags, "gpus", w.Gpus, s.Time));
        }

        foreach (var l in s.HeatLoops)
        {
            KeyValuePair<string, string>[] tags = [new("site", s.Site), new("loop", l.Name)];
            points.Add(new("heat", tags, "demand_kw", l.DemandKw, s.Time));
            points.Add(new("heat", tags, "delivered_kw", l.DeliveredKw, s.Time));
            points.Add(new("heat", tags, "stored_kwh", l.StoredKwh, s.Time));
            points.Add(new("heat", tags, "dumped_kw", l.DumpedKw, s.Time));
            points.Add(new("heat", tags, "boiler_kw", l.BoilerKw, s.Time));
        }

        return points;
    }

    private static double Round(double value) => Math.Round(value, 3);
}
