using System.Diagnostics;
using Energy.Contracts.Heat;
using Energy.Contracts.Planning;
using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Scheduler.Planning.Lp;

namespace Energy.Scheduler.Backtesting;

/// <summary>
/// The honest backtest, rolling like the live scheduler: at every slot boundary the planner plans the
/// horizon from what was known then (<see cref="Forecaster"/>), the plan's first slot is executed
/// against the actual heat demand with the heat-loop physics (<see cref="SlotExecutor"/>), and the tank
/// state it leaves is what the next plan starts from. The heat forecast learns from what each executed
/// slot's meters saw, through <see cref="HeatDemandObservation"/> as live (delivered + boiler +
/// shortfall), so a run that under-delivers still forecasts the demand that was there. Perfect foresight
/// is the same planner, rolled the same way, given the actual prices and heat demand for the whole
/// horizon: the upper bound of what that planner could earn. Baselines are executed and settled the same way. Pure: no files, no clock but a
/// <see cref="Stopwatch"/> for solve times.
/// </summary>
public sealed class BacktestEngine
{
    private readonly Site _site;
    private readonly BacktestSeries _series;
    private readonly Func<IPlanner> _planners;
    private readonly IPlanner _planner;
    private readonly BacktestOptions _options;
    private readonly SlotExecutor _executor;
    private readonly bool _sequential;

    /// <summary>A backtest whose rolling runs share one planner instance, one run after the other (for a stateless or thread-safe planner).</summary>
    public BacktestEngine(Site site, BacktestSeries series, IPlanner planner, BacktestOptions? options = null)
        : this(site, series, NotNull(planner), options, sequential: true)
    {
    }

    /// <summary>
    /// A backtest whose rolling runs (HeatGrid, perfect foresight, each relaxed policy) each get their own
    /// planner from <paramref name="planners"/>, so a planner may keep state between its solves (a re-used
    /// model) and the runs go in parallel.
    /// </summary>
    public BacktestEngine(Site site, BacktestSeries series, Func<IPlanner> planners, BacktestOptions? options = null)
        : this(site, series, planners, options, sequential: false)
    {
    }

    private BacktestEngine(Site site, BacktestSeries series, Func<IPlanner> planners, BacktestOptions? options, bool sequential)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(planners);
        _site = site;
        _series = series;
        _planners = planners;
        _planner = planners();
        _sequential = sequential;
        _options = options ?? new BacktestOptions();
        _executor = new SlotExecutor(site, series.SlotLength);
    }

    private static Func<IPlanner> NotNull(IPlanner planner)
    {
        ArgumentNullException.ThrowIfNull(planner);
        return () => planner;
    }

    public BacktestResult Run(Action<BacktestProgress>? progress = null)
    {
        var wall = Stopwatch.StartNew();
        var first = Math.Clamp(_options.From is { } from ? _series.IndexOf(from) : 0, 0, _series.Count);
        var last = Math.Clamp(_options.Until is { } until ? (int)Math.Ceiling((until - _series.Start) / _series.SlotLength) : _series.Count, first, _series.Count);
        if (last <= first)
        {
            throw new BacktestInputException($"the period holds no price slots: the prices cover {_series.Start:yyyy-MM-dd HH:mm}Z..{_series.End:yyyy-MM-dd HH:mm}Z");
        }

        // HeatGrid and perfect foresight are independent runs: one per core. Each is deterministic on its own.
        var total = 2 * (last - first);
        var solveMs = new List<double>(last - first);
        var done = new int[2];
        var gate = new Lock();
        void Tick(int run, string stage, int count)
        {
            lock (gate)
            {
                done[run] = count;
                progress?.Invoke(new BacktestProgress(stage, done[0] + done[1], total));
            }
        }

        BacktestRun honest, perfect;
        if (_sequential)
        {
            honest = RunPlanner(_planner, _site, "HeatGrid", perfect: false, first, last, solveMs, n => Tick(0, "HeatGrid and perfect foresight", n));
            perfect = RunPlanner(_planner, _site, "perfect foresight", perfect: true, first, last, null, n => Tick(1, "HeatGrid and perfect foresight", n));
        }
        else
        {
            var honestTask = Task.Run(() => RunPlanner(_planner, _site, "HeatGrid", perfect: false, first, last, solveMs, n => Tick(0, "HeatGrid and perfect foresight", n)));
            perfect = RunPlanner(_planners(), _site, "perfect foresight", perfect: true, first, last, null, n => Tick(1, "HeatGrid and perfect foresight", n));
            honest = honestTask.GetAwaiter().GetResult();
        }

        IBaselinePolicy[] policies =
        [
            new AlwaysOnBaseline(_site),
            _options.StrikePerMwh is { } strike || _series.MiningValuePerMwh.Count == 0
                ? new StrikePriceBaseline(_site, _options.StrikePerMwh ?? StrikePriceBaseline.BreakEvenStrike(_site), _options.CurtailAfterSlots, _options.ResumeAfterSlots)
                : StrikePriceBaseline.AtBreakEven(_site, _options.CurtailAfterSlots, _options.ResumeAfterSlots),
        ];
        var baselines = policies.Select(p => RunBaseline(p, first, last)).ToList();
        var mainSeconds = wall.Elapsed.TotalSeconds;

        var costWatch = Stopwatch.StartNew();
        var costs = _options.PolicyCosts ? PolicyCosts(perfect, first, last, progress) : [];
        return new BacktestResult(_site.Name, _planner.Name, _series, _options, honest, perfect, baselines, solveMs, mainSeconds)
        {
            WorkloadNames = _site.Workloads.Select(w => w.Name).ToList(),
            PolicyCosts = costs,
            PolicyCostsWallSeconds = costWatch.Elapsed.TotalSeconds,
        };
    }

    /// <summary>Runs a fixed rule over the period under the operator's rules (exposed for tests of the baselines).</summary>
    public BacktestRun RunBaseline(IBaselinePolicy policy, int first, int last)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var loops = _executor.NewLoops();
        var initial = loops.Select(l => l.Stored.KilowattHours).ToArray();
        var rules = new OperatorRules(_site, _series.SlotLength);
        var slots = new List<SlotOutcome>(last - first);
        for (var i = first; i < last; i++)
        {
            var start = _series.SlotStart(i);
            var value = MiningValue(i);
            var decision = policy.Decide(new BaselineSlot(start, _series.SpotPerMwh[i], value));
            slots.Add(Execute(_executor, rules, i, decision, loops));
        }

        return new BacktestRun(policy.Name, _series.SlotLength, slots) { StoredHeatChange = StoredHeatChange(_site, initial, loops) };
    }

    /// <summary>
    /// What each operator limit that bound cost: perfect foresight with that one limit relaxed, minus perfect
    /// foresight under the whole policy, with the hours it bound. A limit that cannot have bound (no slot above the
    /// price limit, no ramp reached, no slot at the cap…) is not re-run.
    /// </summary>
    internal IReadOnlyList<PolicyCost> PolicyCosts(BacktestRun perfect, int first, int last, Action<BacktestProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(perfect);
        var hours = _series.SlotLength.TotalHours;
        var policy = _site.Policy;
        var c = _site.Currency.Code;
        var candidates = new List<(string Limit, string Key, string Setting, Site Relaxed, Func<IPlanner> Planners, Func<BacktestRun, int> Bound)>();
        var inv = System.Globalization.CultureInfo.InvariantCulture;

        if (policy.MaxImportPrice is { } limit && perfect.Slots.Any(s => s.Limits.HasFlag(PolicyLimits.PriceLimit)))
        {
            var bound = perfect.Slots.Count(s => s.Limits.HasFlag(PolicyLimits.PriceLimit));
            candidates.Add(("priceLimit", "policy.maxImportPricePerMwh", string.Create(inv, $"{limit.PerMegawattHour:0.##} {c}/MWh all-in"),
                _site with { Policy = policy with { MaxImportPrice = null } }, _planners, _ => bound));
        }

        var rules = new OperatorRules(_site, _series.SlotLength);
        var step = rules.WorkKwPerGpu.DefaultIfEmpty(0).Min();
        if (policy.RampLimitPerMinute is { } ramp)
        {
            var rampKw = ramp.Kilowatts * _series.SlotLength.TotalMinutes;
            var work = perfect.Slots.Select(s => s.GridImportKw).ToArray();   // base load and idle draw are constant: its changes are the work's
            // A slot counts once: at the limit as planned, or cut to it by the rules.
            var bound = Enumerable.Range(0, work.Length).Count(k =>
                perfect.Slots[k].Limits.HasFlag(PolicyLimits.Ramp) || (k > 0 && Math.Abs(work[k] - work[k - 1]) >= rampKw - step));
            if (bound > 0)
            {
                candidates.Add(("rampLimit", "policy.rampLimitKwPerMinute", string.Create(inv, $"{ramp.Kilowatts:0.##} kW/min"),
                    _site with { Policy = policy with { RampLimitPerMinute = null } }, _planners, _ => bound));
            }
        }

        if (_series.SlotLength < policy.MinDwell && perfect.Slots.Any(s => s.Limits.HasFlag(PolicyLimits.Dwell)))
        {
            var bound = perfect.Slots.Count(s => s.Limits.HasFlag(PolicyLimits.Dwell));
            candidates.Add(("minDwell", "policy.minDwell", string.Create(inv, $"{policy.MinDwell.TotalMinutes:0.#} min"),
                _site with { Policy = policy with { MinDwell = TimeSpan.Zero } }, _planners, _ => bound));
        }

        if (perfect.Slots.Any(s => s.Limits.HasFlag(PolicyLimits.GridCap)))
        {
            var bound = perfect.Slots.Count(s => s.Limits.HasFlag(PolicyLimits.GridCap));
            var never = _site.Grid.BaseLoad + Power.FromWatts(_site.Pools.Sum(p => p.GridPowerFor(p.MaxPower).Watts)) + Power.FromKilowatts(1);
            candidates.Add(("gridCap", "grid.importCapKw", string.Create(inv, $"{_site.Grid.ImportCap.Kilowatts:0.##} kW"),
                _site with { Grid = _site.Grid with { ImportCap = never } }, _planners, _ => bound));
        }

        // A tenant's SLA can bind only where its GPUs cost more than they earn; relaxed, the planner keeps no floor
        // (the price limit still lets SLA work run above it).
        var tenants = _site.Workloads.Select((w, i) => (Workload: w as InferenceWorkload, Index: i)).Where(t => t.Workload is { SlaMinGpus: > 0 }).ToList();
        if (_options.SlaFreePlanners is { } slaFree && tenants.Count > 0 && perfect.Slots.Any(s => tenants.Any(t => Unprofitable(t.Workload!, s.SpotPerMwh))))
        {
            candidates.Add(("slaMinimums", "workloads[].slaMinGpus", string.Join(", ", tenants.Select(t => string.Create(inv, $"{t.Workload!.Name} {t.Workload.SlaMinGpus} GPUs"))),
                _site, slaFree, run => run.Slots.Count(s => tenants.Any(t => s.PowerByWorkloadKw[t.Index] < (t.Workload!.SlaMinGpus * MinGpuKw(t.Workload)) - 1e-6))));
        }

        var results = new PolicyCost[candidates.Count];
        var done = 0;
        Parallel.For(0, candidates.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _sequential ? 1 : Environment.ProcessorCount) }, k =>
        {
            var (name, key, setting, relaxed, planners, bound) = candidates[k];
            var run = RunPlanner(_sequential ? _planner : planners(), relaxed, $"perfect foresight without {name}", perfect: true, first, last, null, _ => { });
            results[k] = new PolicyCost(name, key, setting, run.Profit - perfect.Profit, bound(run) * hours, run.Profit);
            var n = Interlocked.Increment(ref done);
            progress?.Invoke(new BacktestProgress("policy costs (perfect foresight, one limit relaxed at a time)", n, candidates.Count));
        });

        return results;
    }

    private bool Unprofitable(InferenceWorkload tenant, double spotPerMwh)
    {
        var cost = _site.Grid.Tariff.CostAt(EnergyPrice.PerMwh(spotPerMwh, _site.Currency)).PerMegawattHour;
        return _site.Pools.Where(tenant.MayRunOn).Any(p => cost * p.GridFactor * p.MaxPowerPerGpu.Megawatts > tenant.PricePerGpuHour.Amount);
    }

    private double MinGpuKw(InferenceWorkload tenant) =>
        _site.Pools.Where(tenant.MayRunOn).Select(p => p.MaxPowerPerGpu.Kilowatts).DefaultIfEmpty(0).Min();

    /// <summary>
    /// The heat a run leaves in the tanks beyond what they held at its start, valued as the planner values it
    /// (the boiler heat it saves later): without it a strategy would gain by emptying the tanks at the end.
    /// </summary>
    private static double StoredHeatChange(Site site, double[] initialKwh, HeatLoopSimulator[] loops)
    {
        var value = 0.0;
        for (var l = 0; l < loops.Length; l++)
        {
            value += (loops[l].Stored.KilowattHours - initialKwh[l]) / 1_000 * PlanEconomics.StoredHeatValuePerMwh(site.HeatLoops[l]);
        }

        return value;
    }

    /// <summary>One slot of any strategy: the operator's rules on its decision, then the executor against reality.</summary>
    private SlotOutcome Execute(SlotExecutor executor, OperatorRules rules, int i, IReadOnlyList<PoolAllocation> decision, HeatLoopSimulator[] loops)
    {
        var start = _series.SlotStart(i);
        var (allowed, limits) = rules.Apply(start, _series.SpotPerMwh[i], decision, miningValuePerMwh: MiningValue(i));
        var outcome = executor.Execute(start, _series.SpotPerMwh[i], allowed, _series.HeatDemandKw[i], loops, MiningValue(i));
        return outcome with { Limits = limits };
    }

    /// <summary>The honest HeatGrid run alone, on this thread (exposed for tests of what it forecast).</summary>
    internal BacktestRun RunHeatGrid(int first, int last) => RunPlanner(_planner, _site, "HeatGrid", perfect: false, first, last, null, _ => { });

    private BacktestRun RunPlanner(IPlanner planner, Site site, string name, bool perfect, int first, int last, List<double>? solveMs, Action<int> tick)
    {
        var executor = ReferenceEquals(site, _site) ? _executor : new SlotExecutor(site, _series.SlotLength);
        var rules = new OperatorRules(site, _series.SlotLength);
        var loops = executor.NewLoops();
        var initial = loops.Select(l => l.Stored.KilowattHours).ToArray();
        var forecaster = new Forecaster(_series, _site.TimeZone, _options.PublicationTime);
        var observed = perfect ? [] : ObservedBefore(first);
        var horizon = Math.Max(1, (int)(_options.Horizon / _series.SlotLength));
        var every = Math.Max(1, (last - first) / 200);
        var slots = new List<SlotOutcome>(last - first);
        for (var i = first; i < last; i++)
        {
            var now = _series.SlotStart(i);
            var n = Math.Min(horizon, _series.Count - i);
            var prices = perfect ? _series.SpotPerMwh.AsSpan(i, n).ToArray() : forecaster.Prices(now, i, n);
            var heat = new double[site.HeatLoops.Count][];
            for (var l = 0; l < heat.Length; l++)
            {
                var share = executor.LoopShare(l);
                heat[l] = perfect
                    ? Array.ConvertAll(_series.HeatDemandKw.AsSpan(i, n).ToArray(), kw => kw * share)
                    : forecaster.HeatKw(now, observed[l], i, n, site.HeatLoops[l].Consumer.PeakDemand.Kilowatts * 0.5);
            }

            var input = Input(site, now, prices, heat, loops) with { MiningValue = MiningValueKnown(i, n, perfect) };

            var started = Stopwatch.GetTimestamp();
            var plan = planner.CreatePlan(input);
            solveMs?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            // A planner that leaves the slot uncovered gets the safe state: every GPU idle.
            var allocations = plan.SlotAt(now)?.Allocations ?? [];
            var outcome = Execute(executor, rules, i, allocations, loops);
            slots.Add(outcome);

            // What the meters saw is the history the next forecast learns from: demand as it really was, not what was delivered.
            for (var l = 0; l < observed.Length; l++)
            {
                var m = outcome.Loops[l];
                observed[l][i] = HeatDemandObservation.DemandKw(m.DeliveredKw, m.BoilerKw, m.ShortfallKw);
            }

            if ((i - first + 1) % every == 0 || i == last - 1)
            {
                tick(i - first + 1);
            }
        }

        return new BacktestRun(name, _series.SlotLength, slots) { StoredHeatChange = StoredHeatChange(site, initial, loops) };
    }

    /// <summary>
    /// Each loop's observed demand: the data's demand before the period (the site was metered before
    /// HeatGrid's run began), unknown (NaN) from the period on until a slot is executed.
    /// </summary>
    private double[][] ObservedBefore(int first)
    {
        var observed = new double[_site.HeatLoops.Count][];
        for (var l = 0; l < observed.Length; l++)
        {
            var share = _executor.LoopShare(l);
            observed[l] = new double[_series.Count];
            for (var i = 0; i < _series.Count; i++)
            {
                observed[l][i] = i < first ? Math.Max(0, _series.HeatDemandKw[i] * share) : double.NaN;
            }
        }

        return observed;
    }

    /// <summary>What mining earned in slot <paramref name="index"/> (the executor's truth); null where every workload has its constant value.</summary>
    private Func<MiningWorkload, GpuPool, double>? MiningValue(int index) =>
        _series.MiningValuePerMwh.Count == 0 ? null : (m, p) => _series.MiningValueAt(m, p, index);

    /// <summary>
    /// The mining value the planner sees over <paramref name="count"/> slots from <paramref name="first"/>: the
    /// actual values with perfect foresight; honestly, the value of the last slot that had ended (hashprice is
    /// known only once the network's difficulty and fees are seen), held flat over the horizon.
    /// </summary>
    private Dictionary<(string Workload, string Pool), IReadOnlyList<double>>? MiningValueKnown(int first, int count, bool perfect)
    {
        if (_series.MiningValuePerMwh.Count == 0)
        {
            return null;
        }

        var known = new Dictionary<(string Workload, string Pool), IReadOnlyList<double>>();
        foreach (var (key, values) in _series.MiningValuePerMwh)
        {
            known[key] = perfect ? values.AsSpan(first, count).ToArray() : Enumerable.Repeat(values[Math.Max(0, first - 1)], count).ToArray();
        }

        return known;
    }

    private PlanningInput Input(Site site, DateTimeOffset now, double[] prices, double[][] heatKw, HeatLoopSimulator[] loops)
    {
        var curve = new PriceCurve(now, _series.SlotLength, Array.ConvertAll(prices, p => EnergyPrice.PerMwh(p, _series.Currency)));
        var demand = new Dictionary<string, IReadOnlyList<Power>>(StringComparer.Ordinal);
        var stored = new Dictionary<string, EnergyAmount>(StringComparer.Ordinal);
        for (var l = 0; l < site.HeatLoops.Count; l++)
        {
            demand[site.HeatLoops[l].Name] = Array.ConvertAll(heatKw[l], Power.FromKilowatts);
            stored[site.HeatLoops[l].Name] = loops[l].Stored;
        }

        return new PlanningInput(site, now, curve, demand, stored);
    }
}
