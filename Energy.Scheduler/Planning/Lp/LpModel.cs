using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Google.OrTools.LinearSolver;

namespace Energy.Scheduler.Planning.Lp;

/// <summary>
/// The linear program behind <see cref="LpPlanner"/>, at pool level: its size grows with pools ×
/// workloads × slots, never with the GPU count. Powers are in kW, energies in kWh, money in the site
/// currency.
/// <para>
/// Power model: a working GPU runs at its power limit (MaxPowerPerGpu) and every GPU stays on, so a
/// pool draws idle × count + Σ_w x_w × (max − idle) / max, where x_w is the GPU power given to workload
/// w (busy GPUs = x_w / max). Grid import = base load + Σ_p (1 + cooling overhead) × pool power.
/// Heat: captured = capture fraction × pool power of the loop's pools; captured + tank discharge +
/// boiler + shortfall = demand + tank charge + dry cooler (+ heat nowhere to go, penalised).
/// Tank: e[t+1] = e[t] × (1 − loss × dt) + (charge − discharge) × dt, minimum ≤ e ≤ capacity.
/// </para>
/// <para>
/// Two ways to use it. A fresh model is built for one input and solved once (GLOP's presolve on). A
/// rolling model (<see cref="Rolling(Site, LpPlannerOptions, int, TimeSpan)"/>) is built once per site,
/// slot count and slot length and re-loaded for every input with <see cref="Load"/>: only objective
/// coefficients and bounds change, never the matrix, so GLOP (presolve off) starts each solve from the
/// last optimal basis. Its slots form a ring: the model's slot positions rotate with the plan's start
/// (<c>head</c>), so after a one-slot step every position keeps the data it had, the basis stays nearly
/// optimal, and only the slot that dropped out is re-used for the new last slot. A rolling model is
/// solved by <see cref="LpPlannerOptions.ReuseSolverId"/> with presolve off. The ring's seam (the
/// link from the last slot back to the first) is cut with bounds only: a free "jump" per tank and
/// position takes the tank from the last slot's energy to the initial energy at the head, and the ramp
/// rows at the head are unbounded. The reader sees plan order (slot t of the input) either way.
/// </para>
/// </summary>
internal sealed class LpModel : IDisposable
{
    private readonly Solver _solver;
    private readonly Objective _objective;
    private readonly bool _rolling;
    private readonly int _slots;
    private readonly double _perKwh;
    private readonly double? _rampKw;

    // Per physical slot position (the ring's, for a rolling model; plan order for a fresh one).
    private readonly Variable[,] _x;
    private readonly Constraint?[,] _demandRow;
    private readonly Variable[] _capOver;
    private readonly Constraint[] _capRow;
    private readonly Variable[] _work;
    private readonly Variable?[,] _slaShort;
    private readonly Variable?[] _rampUp;
    private readonly Variable?[] _rampDown;
    private readonly Constraint?[] _rampUpRow;
    private readonly Constraint?[] _rampDownRow;
    private readonly Constraint[,] _heatRow;
    private readonly Variable[,] _shortfall;
    private readonly Variable[,] _dumped;
    private readonly Variable[,] _excess;
    private readonly Variable[,] _absorbOver;
    private readonly Variable?[,] _boiler;
    private readonly Variable?[,] _charge;
    private readonly Variable?[,] _discharge;
    private readonly Variable?[,] _stored;
    private readonly Variable?[,] _tankShort;
    private readonly Variable?[,] _jump;
    private readonly Constraint?[,] _link;
    private readonly Constraint?[,] _dynamics;

    // What is loaded at each physical position, so a re-load only touches what changed (NaN: never set).
    private readonly double[,] _xUb;
    private readonly double[,] _xObjective;
    private readonly double[,] _demandUb;
    private readonly double[] _roomKw;
    private readonly double[,] _heatDemandKw;
    private readonly double[,] _storedObjective;
    private readonly double[,] _linkKwh;
    private int _loadedHead = -1;

    // Per plan slot t of the loaded input.
    private readonly double[,] _planXUb;
    private readonly double[,] _planXObjective;
    private readonly double[,] _planDemandUb;

    /// <summary>A fresh model of one input, to be solved once.</summary>
    public LpModel(PlanningInput input, LpPlannerOptions options, IReadOnlyList<int> slotIndices)
        : this(input.Site, options, slotIndices.Count, input.Prices.SlotLength, rolling: false, input, slotIndices)
    {
    }

    private LpModel(Site site, LpPlannerOptions options, int slots, TimeSpan slotLength, bool rolling, PlanningInput? input, IReadOnlyList<int>? slotIndices)
    {
        Site = site;
        Options = options;
        _rolling = rolling;
        _slots = slots;
        Hours = slotLength.TotalHours;
        _perKwh = Hours / 1_000;          // EUR/MWh × kW × slot → EUR
        _rampKw = site.Policy.RampLimitPerMinute is { } r ? r.Kilowatts * slotLength.TotalMinutes : null;
        var solverId = rolling ? options.ReuseSolverId : options.SolverId;
        _solver = Solver.CreateSolver(solverId)
            ?? throw new InvalidOperationException($"OR-Tools has no LP solver '{solverId}' here.");
        if (rolling && solverId == "GLOP")
        {
            // Presolve would hand the simplex a different (reduced) matrix whenever a bound changes, which
            // throws the previous basis away; without it the matrix stays the same and the basis is re-used.
            // Steepest-edge pricing (the default) recomputes its norms at every warm start, which costs more
            // than the dozen iterations a one-slot step needs: Dantzig pricing starts at once (bench backtest).
            _solver.SetSolverSpecificParametersAsString("use_preprocessing: false optimization_rule: DANTZIG feasibility_rule: DANTZIG");
        }

        _objective = _solver.Objective();
        var pools = site.Pools;
        var loops = site.HeatLoops;
        var workloads = site.Workloads;
        var pairs = new List<(int Pool, int Workload)>();
        for (var p = 0; p < pools.Count; p++)
        {
            for (var w = 0; w < workloads.Count; w++)
            {
                if (workloads[w].MayRunOn(pools[p]))
                {
                    pairs.Add((p, w));
                }
            }
        }

        Pairs = [.. pairs];
        PoolLoop = new int[pools.Count];
        for (var p = 0; p < pools.Count; p++)
        {
            PoolLoop[p] = -1;
            for (var l = 0; l < loops.Count; l++)
            {
                if (pools[p].HeatLoop == loops[l].Name)
                {
                    PoolLoop[p] = l;
                }
            }
        }

        // Per pair: grid kW per kW of work power (above idle, with cooling), heat kW per kW.
        GridPerKw = new double[Pairs.Length];
        HeatPerKw = new double[Pairs.Length];
        TieBreak = new double[Pairs.Length];
        for (var k = 0; k < Pairs.Length; k++)
        {
            var pool = pools[Pairs[k].Pool];
            var f = (pool.MaxPowerPerGpu.Watts - pool.IdlePowerPerGpu.Watts) / pool.MaxPowerPerGpu.Watts;
            GridPerKw[k] = pool.GridFactor * f;
            var loop = PoolLoop[Pairs[k].Pool];
            HeatPerKw[k] = loop < 0 ? 0 : loops[loop].CaptureFraction * f;
            TieBreak[k] = TieBreakPerMwh * site.Policy.KeepRank(workloads[Pairs[k].Workload]) * Hours / 1_000;
        }

        IdleGridKw = new SiteLoad(site).IdleImport.Kilowatts;
        IdleHeatKw = new double[loops.Count];
        for (var p = 0; p < pools.Count; p++)
        {
            if (PoolLoop[p] >= 0)
            {
                IdleHeatKw[PoolLoop[p]] += pools[p].IdlePower.Kilowatts * loops[PoolLoop[p]].CaptureFraction;
            }
        }

        Cost = new double[slots];
        Spot = new double[slots];
        ImportCapKw = new double[slots];
        OnlySla = new bool[slots];
        Demand = new double[slots, loops.Count];
        InitialStored = new double[loops.Count];
        X = new Variable[slots, Pairs.Length];
        CapOver = new Variable[slots];
        WorkGrid = new Variable[slots];
        SlaShort = new Variable?[slots, workloads.Count];
        CapRow = new Constraint[slots];
        RampUp = new Variable?[slots];
        RampDown = new Variable?[slots];
        Charge = new Variable?[slots, loops.Count];
        Discharge = new Variable?[slots, loops.Count];
        Stored = new Variable?[slots, loops.Count];
        TankShort = new Variable?[slots, loops.Count];
        Boiler = new Variable?[slots, loops.Count];
        Shortfall = new Variable[slots, loops.Count];
        Dumped = new Variable[slots, loops.Count];
        Excess = new Variable[slots, loops.Count];
        AbsorbOver = new Variable[slots, loops.Count];
        HeatRow = new Constraint[slots, loops.Count];
        _planXUb = new double[slots, Pairs.Length];
        _planXObjective = new double[slots, Pairs.Length];
        _planDemandUb = new double[slots, workloads.Count];

        _x = new Variable[slots, Pairs.Length];
        _demandRow = new Constraint?[slots, workloads.Count];
        _capOver = new Variable[slots];
        _capRow = new Constraint[slots];
        _work = new Variable[slots];
        _slaShort = new Variable?[slots, workloads.Count];
        _rampUp = new Variable?[slots];
        _rampDown = new Variable?[slots];
        _rampUpRow = new Constraint?[slots];
        _rampDownRow = new Constraint?[slots];
        _heatRow = new Constraint[slots, loops.Count];
        _shortfall = new Variable[slots, loops.Count];
        _dumped = new Variable[slots, loops.Count];
        _excess = new Variable[slots, loops.Count];
        _absorbOver = new Variable[slots, loops.Count];
        _boiler = new Variable?[slots, loops.Count];
        _charge = new Variable?[slots, loops.Count];
        _discharge = new Variable?[slots, loops.Count];
        _stored = new Variable?[slots, loops.Count];
        _tankShort = new Variable?[slots, loops.Count];
        _jump = new Variable?[slots, loops.Count];
        _link = new Constraint?[slots, loops.Count];
        _dynamics = new Constraint?[slots, loops.Count];
        _xUb = Filled(slots, Pairs.Length);
        _xObjective = Filled(slots, Pairs.Length);
        _demandUb = Filled(slots, workloads.Count);
        _roomKw = new double[slots];
        Array.Fill(_roomKw, double.NaN);
        _heatDemandKw = Filled(slots, loops.Count);
        _storedObjective = Filled(slots, loops.Count);
        _linkKwh = Filled(slots, loops.Count);

        if (input is not null && slotIndices is not null)
        {
            // A fresh model: built with the input's numbers in place, as it is solved only once.
            Input = input;
            SlotIndices = slotIndices;
            ReadInput(input, slotIndices);
        }
        else
        {
            Input = null!;
            SlotIndices = [];
        }

        for (var t = 0; t < slots; t++)
        {
            BuildSlot(t);
        }

        if (_rolling)
        {
            for (var t = 0; t < slots; t++)
            {
                LinkToPrevious(t);
            }
        }

        _objective.SetMaximization();
        if (input is not null)
        {
            _loadedHead = 0;
            MapPlanOrder(0);
        }
    }

    /// <summary>
    /// A rolling model for <paramref name="slots"/> slots of <paramref name="slotLength"/> at
    /// <paramref name="site"/>, to be loaded with <see cref="Load"/> before each solve. Needs two slots or more.
    /// </summary>
    public static LpModel Rolling(Site site, LpPlannerOptions options, int slots, TimeSpan slotLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 2);
        return new LpModel(site, options, slots, slotLength, rolling: true, input: null, slotIndices: null);
    }

    /// <summary>Between equally valuable workloads, the one shed later wins (as in the merit order).</summary>
    private const double TieBreakPerMwh = 0.01;

    /// <summary>The largest all-in price per MWh the objective weighs (a site file's price limits are at most 1e6 per MWh).</summary>
    internal const double PriceBoundPerMwh = 1_000_000;

    public PlanningInput Input { get; private set; }

    public Site Site { get; }

    public LpPlannerOptions Options { get; }

    public IReadOnlyList<int> SlotIndices { get; private set; }

    public double Hours { get; }

    public (int Pool, int Workload)[] Pairs { get; }

    public int[] PoolLoop { get; }

    public double[] GridPerKw { get; }

    public double[] HeatPerKw { get; }

    public double IdleGridKw { get; }

    public double[] IdleHeatKw { get; }

    public double[] InitialStored { get; }

    public double[] Cost { get; }

    public double[] Spot { get; }

    /// <summary>Per slot: the import cap in force (the contract's, or a curtailment's lower one).</summary>
    public double[] ImportCapKw { get; }

    public bool[] OnlySla { get; }

    public double[,] Demand { get; }

    public Variable[,] X { get; }

    public Variable[] CapOver { get; }

    /// <summary>Grid power of the work above idle, cooling included (kW).</summary>
    public Variable[] WorkGrid { get; }

    public Variable?[,] SlaShort { get; }

    public Constraint[] CapRow { get; }

    public Variable?[] RampUp { get; }

    public Variable?[] RampDown { get; }

    public Variable?[,] Charge { get; }

    public Variable?[,] Discharge { get; }

    public Variable?[,] Stored { get; }

    public Variable?[,] TankShort { get; }

    public Variable?[,] Boiler { get; }

    public Variable[,] Shortfall { get; }

    public Variable[,] Dumped { get; }

    public Variable[,] Excess { get; }

    public Variable[,] AbsorbOver { get; }

    public Constraint[,] HeatRow { get; }

    /// <summary>The number of slots the model plans.</summary>
    public int SlotCount => _slots;

    /// <summary>The ring position of plan slot 0 (0 for a fresh model).</summary>
    public int Head => _loadedHead;

    public int VariableCount => _solver.NumVariables();

    public int ConstraintCount => _solver.NumConstraints();

    /// <summary>Simplex iterations of the last solve.</summary>
    public long Iterations => _solver.Iterations();

    public Solver.ResultStatus Solve()
    {
        if (!_rolling)
        {
            return _solver.Solve();
        }

        using var parameters = new MPSolverParameters();
        parameters.SetIntegerParam(MPSolverParameters.IntegerParam.PRESOLVE, (int)MPSolverParameters.PresolveValues.PRESOLVE_OFF);
        return _solver.Solve(parameters);
    }

    public double Objective => _objective.Value();

    /// <summary>Shadow price of a row in site currency per MWh of its kW over one slot.</summary>
    public double PerMwh(Constraint row) => Math.Abs(row.DualValue()) * 1_000 / Hours;

    public static double V(Variable? v) => v is null ? 0 : Math.Max(0, v.SolutionValue());

    public static bool Positive(double value) => value > 1e-4;

    public void Dispose() => _solver.Dispose();

    /// <summary>
    /// Loads an input into a rolling model, plan slot 0 at ring position <paramref name="head"/>: the
    /// objective coefficients and bounds that differ from what is loaded are set, nothing else.
    /// </summary>
    public void Load(PlanningInput input, IReadOnlyList<int> slotIndices, int head)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(slotIndices);
        if (!_rolling || slotIndices.Count != _slots || !ReferenceEquals(input.Site, Site) || input.Prices.SlotLength.TotalHours != Hours)
        {
            throw new InvalidOperationException("A rolling model is loaded only with inputs of its own site, slot count and slot length.");
        }

        Input = input;
        SlotIndices = slotIndices;
        ReadInput(input, slotIndices);
        var last = (head + _slots - 1) % _slots;
        for (var t = 0; t < _slots; t++)
        {
            var p = (head + t) % _slots;
            LoadSlot(t, p);
            for (var l = 0; l < Site.HeatLoops.Count; l++)
            {
                if (Site.HeatLoops[l].Storage is not null)
                {
                    // Heat left in the tank at the horizon's end is worth the boiler's heat, at the last position only.
                    SetObjective(_stored[p, l]!, _storedObjective, p, l, p == last ? TerminalValuePerKwh(Site.HeatLoops[l]) : 0);
                    SetLink(p, l, p == head ? InitialStored[l] : double.PositiveInfinity);
                }
            }

            if (_rampKw is { } rampKw)
            {
                // The seam: no ramp limit from the ring's last slot into plan slot 0 (a fresh model has no row there).
                var seam = p == head;
                if (seam != (_loadedHead >= 0 && p == _loadedHead) || _loadedHead < 0)
                {
                    _rampUpRow[p]!.SetBounds(double.NegativeInfinity, seam ? double.PositiveInfinity : rampKw);
                    _rampDownRow[p]!.SetBounds(seam ? double.NegativeInfinity : -rampKw, double.PositiveInfinity);
                    _rampUp[p]!.SetUb(seam ? 0 : double.PositiveInfinity);
                    _rampDown[p]!.SetUb(seam ? 0 : double.PositiveInfinity);
                }
            }
        }

        _loadedHead = head;
        MapPlanOrder(head);
    }

    private static double[,] Filled(int rows, int columns)
    {
        var array = new double[rows, columns];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                array[i, j] = double.NaN;
            }
        }

        return array;
    }

    private double TerminalValuePerKwh(HeatLoop loop) => PlanEconomics.StoredHeatValuePerMwh(loop) * Options.TerminalTankValueFactor / 1_000;

    /// <summary>The input's numbers per plan slot: prices, caps, demands, the tank's initial energy.</summary>
    private void ReadInput(PlanningInput input, IReadOnlyList<int> slotIndices)
    {
        var site = Site;
        var pools = site.Pools;
        var loops = site.HeatLoops;
        var workloads = site.Workloads;
        var limit = site.Policy.MaxImportPrice?.PerMegawattHour;
        for (var l = 0; l < loops.Count; l++)
        {
            InitialStored[l] = 0;
            if (loops[l].Storage is { } tank)
            {
                var stored = input.Stored.TryGetValue(loops[l].Name, out var s) ? s : tank.Initial;
                InitialStored[l] = Math.Clamp(stored.KilowattHours, 0, tank.Capacity.KilowattHours);
            }
        }

        for (var t = 0; t < slotIndices.Count; t++)
        {
            var i = slotIndices[t];
            Spot[t] = input.Prices.Prices[i].PerMegawattHour;
            ImportCapKw[t] = input.ImportCapAt(i).Kilowatts;

            // Prices beyond any market's limits are refused where they come in; should one still reach the
            // planner, it is weighed at most as PriceBoundPerMwh, which keeps GLOP's coefficients in scale.
            Cost[t] = Math.Clamp(site.Grid.Tariff.CostAt(input.Prices.Prices[i]).PerMegawattHour, -PriceBoundPerMwh, PriceBoundPerMwh);
            OnlySla[t] = limit is { } lim && Cost[t] > lim;
            for (var k = 0; k < Pairs.Length; k++)
            {
                var pool = pools[Pairs[k].Pool];
                var w = workloads[Pairs[k].Workload];
                var mining = w is MiningWorkload mw ? input.MiningValuePerMwhAt(mw, pool, i) : 0;

                // Above the price limit only SLA work; mining only where it earns at least its minimum value.
                _planXUb[t, k] = (OnlySla[t] && w is not InferenceWorkload) || (w is MiningWorkload least && !least.Runs(mining)) ? 0 : pool.MaxPower.Kilowatts;
                var value = w switch
                {
                    InferenceWorkload inf => inf.PricePerGpuHour.Amount * Hours / pool.MaxPowerPerGpu.Kilowatts,
                    MiningWorkload => mining * _perKwh,
                    _ => 0,
                };
                _planXObjective[t, k] = value - (Cost[t] * _perKwh * GridPerKw[k]) + TieBreak[k];
            }

            // Inference: at most the demand (the SLA only, above the policy price).
            for (var w = 0; w < workloads.Count; w++)
            {
                if (workloads[w] is InferenceWorkload inf)
                {
                    var demand = input.TenantDemandAt(inf, i);
                    _planDemandUb[t, w] = OnlySla[t] ? Math.Min(demand, inf.SlaMinGpus) : demand;
                }
            }

            for (var l = 0; l < loops.Count; l++)
            {
                Demand[t, l] = input.HeatDemand.TryGetValue(loops[l].Name, out var series) && i < series.Count
                    ? Math.Max(0, series[i].Kilowatts)
                    : 0;
            }
        }
    }

    private double[] TieBreak { get; }

    /// <summary>The room under the cap for the load HeatGrid controls (kW).</summary>
    private double Room(int t) => ImportCapKw[t] - Site.Grid.BaseLoad.Kilowatts - IdleGridKw;

    /// <summary>Creates the variables and rows of slot position <paramref name="t"/>; a fresh model's numbers are those of plan slot t.</summary>
    private void BuildSlot(int t)
    {
        var site = Site;
        var pools = site.Pools;
        var workloads = site.Workloads;
        var fresh = !_rolling;
        for (var k = 0; k < Pairs.Length; k++)
        {
            var ub = fresh ? _planXUb[t, k] : pools[Pairs[k].Pool].MaxPower.Kilowatts;
            var x = _solver.MakeNumVar(0, ub, string.Empty);
            _x[t, k] = x;
            _xUb[t, k] = ub;
            if (fresh)
            {
                _objective.SetCoefficient(x, _planXObjective[t, k]);
                _xObjective[t, k] = _planXObjective[t, k];
            }
        }

        // Pool capacity.
        for (var p = 0; p < pools.Count; p++)
        {
            var row = _solver.MakeConstraint(double.NegativeInfinity, pools[p].MaxPower.Kilowatts, string.Empty);
            for (var k = 0; k < Pairs.Length; k++)
            {
                if (Pairs[k].Pool == p)
                {
                    row.SetCoefficient(_x[t, k], 1);
                }
            }
        }

        // Inference: at most the demand (the SLA only, above the policy price), at least the SLA (soft).
        for (var w = 0; w < workloads.Count; w++)
        {
            if (workloads[w] is not InferenceWorkload inf)
            {
                continue;
            }

            var most = fresh ? _planDemandUb[t, w] : double.PositiveInfinity;
            var upper = _solver.MakeConstraint(double.NegativeInfinity, most, string.Empty);
            _demandRow[t, w] = upper;
            _demandUb[t, w] = most;
            var lower = _solver.MakeConstraint(inf.SlaMinGpus, double.PositiveInfinity, string.Empty);
            for (var k = 0; k < Pairs.Length; k++)
            {
                if (Pairs[k].Workload == w)
                {
                    var perGpu = 1 / pools[Pairs[k].Pool].MaxPowerPerGpu.Kilowatts;
                    upper.SetCoefficient(_x[t, k], perGpu);
                    lower.SetCoefficient(_x[t, k], perGpu);
                }
            }

            if (inf.SlaMinGpus > 0)
            {
                var shortGpus = _solver.MakeNumVar(0, inf.SlaMinGpus, string.Empty);
                lower.SetCoefficient(shortGpus, 1);
                _objective.SetCoefficient(shortGpus, -Options.SlaPenaltyPerGpuHour * Hours);
                _slaShort[t, w] = shortGpus;
            }
        }

        // Controllable grid power above idle (one row), the grid cap on it (soft, reported), and the
        // ramp limit between consecutive planned slots (soft): ramp rows stay two entries long.
        var work = _solver.MakeNumVar(double.NegativeInfinity, double.PositiveInfinity, string.Empty);
        var define = _solver.MakeConstraint(0, 0, string.Empty);
        for (var k = 0; k < Pairs.Length; k++)
        {
            define.SetCoefficient(_x[t, k], GridPerKw[k]);
        }

        define.SetCoefficient(work, -1);
        _work[t] = work;
        // The cap is hard for everything HeatGrid controls: the only import above it the LP may plan is what
        // idle GPUs and the base load need on their own (a curtailment below them), so no price, however
        // extreme, and no other penalty can buy import above the cap in force.
        var room = fresh ? Room(t) : 0;
        var over = _solver.MakeNumVar(0, Math.Max(0, -room), string.Empty);
        _objective.SetCoefficient(over, -Options.GridCapPenaltyPerMwh * _perKwh);
        var cap = _solver.MakeConstraint(double.NegativeInfinity, room, string.Empty);
        cap.SetCoefficient(work, 1);
        cap.SetCoefficient(over, -1);
        _capOver[t] = over;
        _capRow[t] = cap;
        _roomKw[t] = room;

        if (_rampKw is { } rampKw && (t > 0 || _rolling))
        {
            var up = _solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
            var down = _solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
            _objective.SetCoefficient(up, -Options.RampPenaltyPerMwh * _perKwh);
            _objective.SetCoefficient(down, -Options.RampPenaltyPerMwh * _perKwh);
            var rowUp = _solver.MakeConstraint(double.NegativeInfinity, rampKw, string.Empty);
            rowUp.SetCoefficient(work, 1);
            rowUp.SetCoefficient(up, -1);
            var rowDown = _solver.MakeConstraint(-rampKw, double.PositiveInfinity, string.Empty);
            rowDown.SetCoefficient(work, 1);
            rowDown.SetCoefficient(down, 1);
            if (t > 0)
            {
                rowUp.SetCoefficient(_work[t - 1], -1);
                rowDown.SetCoefficient(_work[t - 1], -1);
            }

            _rampUp[t] = up;
            _rampDown[t] = down;
            _rampUpRow[t] = rowUp;
            _rampDownRow[t] = rowDown;
        }

        for (var l = 0; l < site.HeatLoops.Count; l++)
        {
            BuildLoop(t, l);
        }
    }

    private void BuildLoop(int t, int l)
    {
        var loop = Site.HeatLoops[l];
        var fresh = !_rolling;
        var demand = fresh ? Demand[t, l] : 0;

        // captured + discharge + boiler + shortfall = demand + charge + dumped + excess
        var balance = _solver.MakeConstraint(demand - IdleHeatKw[l], demand - IdleHeatKw[l], string.Empty);
        _heatDemandKw[t, l] = demand;
        var absorb = _solver.MakeConstraint(double.NegativeInfinity, loop.MaxAbsorption.Kilowatts - IdleHeatKw[l], string.Empty);
        for (var k = 0; k < Pairs.Length; k++)
        {
            if (PoolLoop[Pairs[k].Pool] == l)
            {
                balance.SetCoefficient(_x[t, k], HeatPerKw[k]);
                absorb.SetCoefficient(_x[t, k], HeatPerKw[k]);
            }
        }

        var absorbOver = _solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
        absorb.SetCoefficient(absorbOver, -1);
        _objective.SetCoefficient(absorbOver, -Options.HeatLimitPenaltyPerMwh * _perKwh);
        _absorbOver[t, l] = absorbOver;

        var shortfall = _solver.MakeNumVar(0, demand, string.Empty);
        balance.SetCoefficient(shortfall, 1);
        _objective.SetCoefficient(shortfall, -(loop.HeatPrice.PerMegawattHour + loop.Consumer.ShortfallPenalty.PerMegawattHour) * _perKwh);
        _shortfall[t, l] = shortfall;

        var dumped = _solver.MakeNumVar(0, loop.DryCooler.Kilowatts, string.Empty);
        balance.SetCoefficient(dumped, -1);
        _dumped[t, l] = dumped;
        var excess = _solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
        balance.SetCoefficient(excess, -1);
        _objective.SetCoefficient(excess, -Options.HeatLimitPenaltyPerMwh * _perKwh);
        _excess[t, l] = excess;

        if (loop.Boiler is { } boiler)
        {
            var b = _solver.MakeNumVar(0, boiler.Capacity.Kilowatts, string.Empty);
            balance.SetCoefficient(b, 1);
            _objective.SetCoefficient(b, -boiler.HeatCost.PerMegawattHour * _perKwh);
            _boiler[t, l] = b;
        }

        if (loop.Storage is { } tank)
        {
            var charge = _solver.MakeNumVar(0, tank.MaxCharge.Kilowatts, string.Empty);
            var discharge = _solver.MakeNumVar(0, tank.MaxDischarge.Kilowatts, string.Empty);
            var stored = _solver.MakeNumVar(0, tank.Capacity.KilowattHours, string.Empty);
            var reserveShort = _solver.MakeNumVar(0, tank.Minimum.KilowattHours, string.Empty);
            balance.SetCoefficient(charge, -1);
            balance.SetCoefficient(discharge, 1);

            // e[t+1] − (1 − loss·dt)·e[t] − dt·charge + dt·discharge = 0 (a rolling model links its first position in LinkToPrevious)
            var keep = 1 - (Site.HeatLoops[l].Storage!.LossFractionPerHour * Hours);
            var previous = fresh && t == 0 ? InitialStored[l] : 0;
            var dynamics = _solver.MakeConstraint(keep * previous, keep * previous, string.Empty);
            dynamics.SetCoefficient(stored, 1);
            if (t > 0)
            {
                dynamics.SetCoefficient(_stored[t - 1, l], -keep);
            }

            dynamics.SetCoefficient(charge, -Hours);
            dynamics.SetCoefficient(discharge, Hours);
            _dynamics[t, l] = dynamics;

            var reserve = _solver.MakeConstraint(tank.Minimum.KilowattHours, double.PositiveInfinity, string.Empty);
            reserve.SetCoefficient(stored, 1);
            reserve.SetCoefficient(reserveShort, 1);
            _objective.SetCoefficient(reserveShort, -Options.TankReservePenaltyPerMwh / 1_000);

            _charge[t, l] = charge;
            _discharge[t, l] = discharge;
            _stored[t, l] = stored;
            _tankShort[t, l] = reserveShort;
            var terminal = fresh && t == _slots - 1 ? TerminalValuePerKwh(loop) : 0;
            if (terminal != 0)
            {
                _objective.SetCoefficient(stored, terminal);
            }

            _storedObjective[t, l] = terminal;
        }

        _heatRow[t, l] = balance;
    }

    /// <summary>
    /// A rolling model's links from position t − 1 (the last position, for t = 0) into position t: the
    /// ramp rows, and per tank e[t] − keep·e[t−1] − keep·jump[t] − … = 0 with the row e[t−1] + jump[t]:
    /// free, with jump fixed at 0, except at the head, where jump is free and the row equals the initial energy.
    /// </summary>
    private void LinkToPrevious(int t)
    {
        var previous = (t + _slots - 1) % _slots;
        if (t == 0 && _rampKw is not null)
        {
            _rampUpRow[0]!.SetCoefficient(_work[previous], -1);
            _rampDownRow[0]!.SetCoefficient(_work[previous], -1);
        }

        for (var l = 0; l < Site.HeatLoops.Count; l++)
        {
            if (Site.HeatLoops[l].Storage is not { } tank)
            {
                continue;
            }

            var keep = 1 - (tank.LossFractionPerHour * Hours);
            var jump = _solver.MakeNumVar(0, 0, string.Empty);
            if (t == 0)
            {
                _dynamics[0, l]!.SetCoefficient(_stored[previous, l], -keep);
            }

            _dynamics[t, l]!.SetCoefficient(jump, -keep);
            var link = _solver.MakeConstraint(double.NegativeInfinity, double.PositiveInfinity, string.Empty);
            link.SetCoefficient(_stored[previous, l], 1);
            link.SetCoefficient(jump, 1);
            _jump[t, l] = jump;
            _link[t, l] = link;
            _linkKwh[t, l] = double.PositiveInfinity;
        }
    }

    /// <summary>Loads plan slot <paramref name="t"/>'s numbers into position <paramref name="p"/>.</summary>
    private void LoadSlot(int t, int p)
    {
        for (var k = 0; k < Pairs.Length; k++)
        {
            if (_xUb[p, k] != _planXUb[t, k])
            {
                _x[p, k].SetUb(_planXUb[t, k]);
                _xUb[p, k] = _planXUb[t, k];
            }

            SetObjective(_x[p, k], _xObjective, p, k, _planXObjective[t, k]);
        }

        for (var w = 0; w < Site.Workloads.Count; w++)
        {
            if (_demandRow[p, w] is { } row && _demandUb[p, w] != _planDemandUb[t, w])
            {
                row.SetUb(_planDemandUb[t, w]);
                _demandUb[p, w] = _planDemandUb[t, w];
            }
        }

        var room = Room(t);
        if (_roomKw[p] != room)
        {
            _capOver[p].SetUb(Math.Max(0, -room));
            _capRow[p].SetUb(room);
            _roomKw[p] = room;
        }

        for (var l = 0; l < Site.HeatLoops.Count; l++)
        {
            var demand = Demand[t, l];
            if (_heatDemandKw[p, l] != demand)
            {
                _heatRow[p, l].SetBounds(demand - IdleHeatKw[l], demand - IdleHeatKw[l]);
                _shortfall[p, l].SetUb(demand);
                _heatDemandKw[p, l] = demand;
            }
        }
    }

    private void SetObjective(Variable variable, double[,] loaded, int i, int j, double value)
    {
        if (loaded[i, j] != value)
        {
            _objective.SetCoefficient(variable, value);
            loaded[i, j] = value;
        }
    }

    /// <summary>The seam of tank loop <paramref name="l"/> at position <paramref name="p"/>: the initial energy at the head, free (+∞) elsewhere.</summary>
    private void SetLink(int p, int l, double kwh)
    {
        if (_linkKwh[p, l] == kwh)
        {
            return;
        }

        var head = !double.IsPositiveInfinity(kwh);
        _link[p, l]!.SetBounds(head ? kwh : double.NegativeInfinity, head ? kwh : double.PositiveInfinity);
        if (head == double.IsPositiveInfinity(_linkKwh[p, l]))
        {
            _jump[p, l]!.SetBounds(head ? double.NegativeInfinity : 0, head ? double.PositiveInfinity : 0);
        }

        _linkKwh[p, l] = kwh;
    }

    /// <summary>The reader's view: plan slot t is position (head + t) mod slots.</summary>
    private void MapPlanOrder(int head)
    {
        for (var t = 0; t < _slots; t++)
        {
            var p = (head + t) % _slots;
            for (var k = 0; k < Pairs.Length; k++)
            {
                X[t, k] = _x[p, k];
            }

            for (var w = 0; w < Site.Workloads.Count; w++)
            {
                SlaShort[t, w] = _slaShort[p, w];
            }

            CapOver[t] = _capOver[p];
            WorkGrid[t] = _work[p];
            CapRow[t] = _capRow[p];

            // Plan slot 0 has no ramp limit (nothing planned before it).
            RampUp[t] = t == 0 ? null : _rampUp[p];
            RampDown[t] = t == 0 ? null : _rampDown[p];
            for (var l = 0; l < Site.HeatLoops.Count; l++)
            {
                Charge[t, l] = _charge[p, l];
                Discharge[t, l] = _discharge[p, l];
                Stored[t, l] = _stored[p, l];
                TankShort[t, l] = _tankShort[p, l];
                Boiler[t, l] = _boiler[p, l];
                Shortfall[t, l] = _shortfall[p, l];
                Dumped[t, l] = _dumped[p, l];
                Excess[t, l] = _excess[p, l];
                AbsorbOver[t, l] = _absorbOver[p, l];
                HeatRow[t, l] = _heatRow[p, l];
            }
        }
    }
}
