using System.Globalization;
using Energy.Contracts.Agents;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Controller.Dispatch;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Energy.Telemetry.Health;
using Energy.Telemetry.Signals;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Controller;

/// <summary>
/// The 1-second loop: holds the plan's current slot on the GPUs (through the agent link, whose
/// sequencer holds the cap), measures what the site draws — by the site meter where there is one,
/// beside HeatGrid's model of it — and publishes status and telemetry. It never waits for planning.
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
    DemandResponseLog? evidence = null,
    ControlState? state = null,
    ControlOptions? options = null,
    Alarms? alarms = null,
    FleetSamples? samples = null,
    Audit.IAuditTrail? audit = null,
    Policy.PolicyState? policy = null) : BackgroundService
{
    /// <summary>The period by default (<see cref="ControlOptions.Period"/>).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <summary>By default, how long an assignment holds without renewal before the agent falls back to the safe state.</summary>
    public static readonly TimeSpan AssignmentValidity = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _period = options?.Period ?? Period;
    private readonly TimeSpan _validity = options?.AssignmentValidity ?? AssignmentValidity;

    private readonly SiteLoad _load = new(site);
    private readonly GpuDispatcher _dispatcher = new(site, policy);
    private readonly ThermalGuard _thermal = new(site);
    private readonly BaseLoadEstimator _baseLoad = new(site.Grid);
    private readonly ControlState _state = state ?? new ControlState();
    private readonly Alarms _alarms = alarms ?? new Alarms(time, Microsoft.Extensions.Logging.Abstractions.NullLogger<Alarms>.Instance);
    private readonly Audit.SafetyAudit? _safety = audit is null ? null : new(audit);
    private bool _inSafeState;
    private bool _holding;
    private (CapBasis Basis, string? Problem)? _reported;
    private int _ticks;
    private long _failedTicks;
    private string? _tickFailure;
    private DateTimeOffset _historySecond = DateTimeOffset.MinValue;
    private DateTimeOffset? _warmingSecond;
    private bool _historyOnTime;
    private Contracts.Planning.Plan? _historyPlan;

    /// <summary>Heat loops whose GPUs are held off work for over-temperature, as of the last tick (any thread may read it).</summary>
    public IReadOnlyList<string> HotLoops => _state.HotLoops;

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
        var basis = MeasureBaseLoad(now, before);
        var states = before.Select(g => g.State).ToList();
        var unavailable = before.Where(g => !g.Online || !g.Known).Select(g => g.State.GpuId).ToHashSet(StringComparer.Ordinal);
        var wanted = _dispatcher.Assign(slot, states, now, now + _validity, agents.Epoch, unavailable);

        // Coolant too hot on a heat loop: its GPUs come off work, which moves to air-cooled pools where it may.
        var explanations = new List<string>();
        wanted = _thermal.Apply(wanted, states, l => signals.GoodValue(l.CoolantTemperatureSignal, now, TimeSpan.FromSeconds(30)), explanations);
        var hot = _thermal.HotLoops.Order(StringComparer.Ordinal).ToList();
        if (!hot.SequenceEqual(_state.HotLoops, StringComparer.Ordinal))
        {
            _state.HotLoops = hot;
        }

        // The sequencer holds the site under the cap in force (less the meter's margin) with the base load as measured:
        // more other load or a curtailment sheds in the operator's order within this tick.
        var cap = limit?.CapAt(now) ?? site.Grid.ImportCap;
        var holdBelow = site.Grid.HoldBelow(cap);
        var ramp = (policy?.Site ?? site).Policy.RampLimitPerMinute is { } perMinute ? perMinute * (_period.TotalSeconds / 60) : (Power?)null;
        var sent = await agents.SendAsync(wanted, new CapLimits(holdBelow, basis.BaseLoad, ramp, Why(cap, basis)), cancellationToken);
        if (sent.Held > 0 != _holding)
        {
            _holding = sent.Held > 0;
            if (_holding)
            {
                Log.IncreasesHeld(logger, sent.Held);
            }
            else
            {
                Log.IncreasesReleased(logger);
            }
        }

        var after = await agents.ReadAsync(cancellationToken);
        samples?.Publish(now, after);                                                   // the energy ledger books the same counter readings as the status
        explanations.AddRange(sent.Explanations);
        var status = Measure(now, slot, after, cap, holdBelow, basis, explanations, Assignments(sent.Sent, after));
        board.Publish(status);
        if (agents.Dispatching)
        {
            // A standby (--ha) sends nothing: what it would have shed is no action of its, and the leader keeps the evidence.
            _safety?.Observe(now, slot is null, hot, Audit.SafetyAudit.Shed(wanted, sent.Sent), sent.Explanations, basis.Metered, cap, holdBelow);
            ObserveCurtailments(now, status.GridImportKw);
        }

        WriteHistory(now, status);
        if (++_ticks % 10 == 0)
        {
            await store.FlushAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_period, time);
        do
        {
            try
            {
                await TickAsync(stoppingToken);
                AlignToSecond(timer);
                if (_failedTicks > 0)
                {
                    Log.ControlTickWorksAgain(logger, _failedTicks);
                    (_failedTicks, _tickFailure) = (0, null);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Loop boundary: one bad tick must not end control; assignments expire safely if ticks keep failing.
                // Logged (with its stack) once per change of failure, not every tick.
                _failedTicks++;
                var failure = $"{e.GetType().Name}: {e.Message}";
                if (failure != _tickFailure)
                {
                    _tickFailure = failure;
                    Log.ControlTickFailing(logger, failure, e);
                }
            }
        }
        while (await timer.TickOrStopAsync(stoppingToken)
            && !stoppingToken.IsCancellationRequested);

        await store.FlushAsync(CancellationToken.None);
    }

    /// <summary>
    /// The tick's points at its whole second, at most once per second (a second tick within the same second writes none,
    /// so every series has one point per second), from the first tick on time after start; and a new plan's points per
    /// slot when the plan was replaced.
    /// </summary>
    private void WriteHistory(DateTimeOffset now, SiteStatus status)
    {
        var second = HistoryPoints.Second(now);
        if (!_historyOnTime)
        {
            // The 1-s series begins with the first tick one second after the one before: the first ticks of a process run
            // while everything JIT-compiles and the first plan is solved, and on a loaded 2-core host one of them can take
            // over a second, which would leave a second unmeasured right after the first point. Status goes on from the
            // first tick; the history from the first tick on time (normally the second one). On another clock (a test's)
            // nothing warms up: from the first tick.
            _historyOnTime = !ReferenceEquals(time, TimeProvider.System) || (_warmingSecond is { } previous && second == previous.AddSeconds(1));
            _warmingSecond = second;
        }

        if (_historyOnTime && second > _historySecond)
        {
            _historySecond = second;
            var points = HistoryPoints.Tick(status, second);
            if (second.ToUnixTimeSeconds() % HistoryPoints.GpuEverySeconds == 0)
            {
                HistoryPoints.AddGpus(points, status, second);
            }

            HistoryPoints.AddSignals(points, site.Name, signals.Snapshot(now), second);
            if (limit is not null)
            {
                HistoryPoints.AddDemandResponse(points, site.Name, status.GridImportCapKw, limit.ContractCap.Kilowatts, limit.Active(now).Count, second);
            }

            store.TryWrite(points);
        }

        if (plan.Plan is { } current && !ReferenceEquals(current, _historyPlan))
        {
            _historyPlan = current;
            store.TryWrite(HistoryPoints.Plan(current, site.Name));
        }
    }

    /// <summary>
    /// On the system clock a periodic timer is re-armed from when its callback ran, so 1-s ticks drift by that latency every
    /// period and now and then cross a second boundary (two ticks in one second, none in the next: a second without a history
    /// point). Each tick re-arms the timer for the middle of the next second, half a second from either boundary.
    /// </summary>
    private void AlignToSecond(PeriodicTimer timer)
    {
        if (_period != TimeSpan.FromSeconds(1) || !ReferenceEquals(time, TimeProvider.System))
        {
            return;
        }

        var intoSecond = TimeSpan.FromTicks(time.GetUtcNow().UtcTicks % TimeSpan.TicksPerSecond);
        timer.Period = TimeSpan.FromMilliseconds(1500) - intoSecond;
    }

    /// <summary>The base load to hold the cap with: the site meter's import minus what the GPUs drew, or the worst case while the meter is lost.</summary>
    private BaseLoadState MeasureBaseLoad(DateTimeOffset now, IReadOnlyList<FleetGpu> gpus)
    {
        _baseLoad.RecordControlled(now, _load.Controlled(gpus.Select(g => (g.State.Pool, g.Drawing))));
        var basis = _baseLoad.Update(now, site.Grid.Meter is { } meter ? signals.Latest(meter.Signal) : null);
        _state.BaseLoad = basis;
        if (_reported is not { } last || last.Basis != basis.Basis || (last.Problem is null) != (basis.Problem is null))
        {
            _reported = (basis.Basis, basis.Problem);
            switch (basis.Basis)
            {
                case CapBasis.MeterLost:
                    Log.MeterLost(logger, basis.Problem!);
                    break;
                case CapBasis.Meter:
                    Log.MeterInUse(logger, site.Grid.Meter!.Signal, basis.BaseLoad.Kilowatts);
                    break;
                default:
                    Log.NoMeter(logger, site.Grid.BaseLoad.Kilowatts);
                    break;
            }
        }

        return basis;
    }

    private string Why(Power cap, BaseLoadState basis)
    {
        var limitText = cap < site.Grid.ImportCap ? "a curtailment" : "the grid cap";
        return basis.Basis switch
        {
            CapBasis.Meter => string.Create(CultureInfo.InvariantCulture, $"{limitText}; the site meter shows {basis.BaseLoad.Kilowatts:0.#} kW of other load"),
            CapBasis.MeterLost => string.Create(CultureInfo.InvariantCulture, $"{limitText}; site meter lost, {basis.BaseLoad.Kilowatts:0.#} kW of other load assumed"),
            _ => limitText,
        };
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

    private static List<GpuAssignmentView> Assignments(IReadOnlyList<GpuAssignment> sent, IReadOnlyList<FleetGpu> gpus)
    {
        var wanted = sent.ToDictionary(a => a.GpuId, StringComparer.Ordinal);
        return [.. gpus.Select(g =>
        {
            var a = wanted.GetValueOrDefault(g.State.GpuId);
            return new GpuAssignmentView(g.State.GpuId, g.Node, g.State.Pool, a?.Workload, Math.Round(a?.PowerTarget.Watts ?? 0, 1),
                g.State.Workload, Math.Round(g.State.Power.Watts, 1), a?.Shed is { } shed ? ShedSteps.WireName(shed) : null)
            {
                EnergyCounterKwh = g.State.EnergyCounter.KilowattHours,
            };
        })];
    }

    private SiteStatus Measure(DateTimeOffset now, Contracts.Planning.PlanSlot? slot, IReadOnlyList<FleetGpu> fleet, Power cap, Power holdBelow,
        BaseLoadState basis, List<string> controlExplanations, IReadOnlyList<GpuAssignmentView> assignments)
    {
        var gpus = fleet.Select(g => g.State).ToList();
        var modelKw = _load.Import(basis.BaseLoad, gpus.Select(g => (g.Pool, g.Power))).Kilowatts;
        var gridKw = basis.Metered?.Kilowatts ?? modelKw;
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

        if (basis.Problem is { } problem)
        {
            warnings.Add(problem);
        }

        if (basis.Metered is { } metered && metered > cap)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"the site meter shows {metered.Kilowatts:0.#} kW, above the {cap.Kilowatts:0.#} kW cap in force: work is being shed"));
        }

        var alarms = _alarms.Current();
        warnings.AddRange(alarms.Select(a => a.Severity == AlarmSeverity.Critical ? "critical: " + a.Message : a.Message));
        return new SiteStatus(site.Name, now, slot?.SpotPrice.PerMegawattHour, site.Currency.Code, Round(gridKw),
            cap.Kilowatts, plan.Plan?.Planner ?? "none", agents.GpuBackend, workloads, heat, loops,
            [.. slot?.Explanations ?? [], .. _dispatcher.Explanations, .. controlExplanations], warnings)
        {
            GpuAssignments = assignments,
            GridImportModelKw = Round(modelKw),
            GridImportMeteredKw = basis.Metered is { } m ? Round(m.Kilowatts) : null,
            BaseLoadKw = Round(basis.BaseLoad.Kilowatts),
            BaseLoadConfiguredKw = site.Grid.BaseLoad.Kilowatts,
            CapHeldAgainst = basis.Basis switch { CapBasis.Meter => "meter", CapBasis.MeterLost => "meterLost", _ => "model" },
            HoldBelowKw = Round(holdBelow.Kilowatts),
            Alarms = alarms,
        };
    }

    private HeatLoopStatus LoopStatus(HeatLoop loop, DateTimeOffset now)
    {
        double Value(string field) => signals.GoodValue($"{loop.Name}.{field}", now, TimeSpan.FromSeconds(30)) is { } v ? Round(v) : 0;
        return new HeatLoopStatus(loop.Name, Value("heatDemandKw"), Value("heatCapturedKw"), Value("heatDeliveredKw"),
            Value("tankChargeKw"), Value("tankDischargeKw"), Value("tankStoredKwh"), Value("heatDumpedKw"), Value("boilerKw"),
            Value("heatShortfallKw"));
    }

    private static double Round(double value) => Math.Round(value, 3);
}
