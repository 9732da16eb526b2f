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
/// </summary>
internal sealed class LpModel : IDisposable
{
    private const double Eps = 1e-7;

    private readonly Solver _solver;

    public LpModel(PlanningInput input, LpPlannerOptions options, IReadOnlyList<int> slotIndices)
    {
        Input = input;
        Site = input.Site;
        Options = options;
        SlotIndices = slotIndices;
        Hours = input.Prices.SlotLength.TotalHours;
        _solver = Solver.CreateSolver(options.SolverId)
            ?? throw new InvalidOperationException($"OR-Tools has no LP solver '{options.SolverId}' here.");

        var site = Site;
        var pools = site.Pools;
        var loops = site.HeatLoops;
        var workloads = site.Workloads;
        var slots = slotIndices.Count;
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

        Cost = new double[slots];
        Spot = new double[slots];
        ImportCapKw = new double[slots];
        OnlySla = new bool[slots];
        Demand = new double[slots, loops.Count];
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
        InitialStored = new double[loops.Count];
        for (var l = 0; l < loops.Count; l++)
        {
            if (loops[l].Storage is { } tank)
            {
                var stored = input.Stored.TryGetValue(loops[l].Name, out var s) ? s : tank.Initial;
                InitialStored[l] = Math.Clamp(stored.KilowattHours, 0, tank.Capacity.KilowattHours);
            }
        }

        // Per pair: grid kW per kW of work power (above idle, with cooling), heat kW per kW, value per kWh.
        var gridPerKw = new double[Pairs.Length];
        var heatPerKw = new double[Pairs.Length];
        for (var k = 0; k < Pairs.Length; k++)
        {
            var pool = pools[Pairs[k].Pool];
            var f = (pool.MaxPowerPerGpu.Watts - pool.IdlePowerPerGpu.Watts) / pool.MaxPowerPerGpu.Watts;
            gridPerKw[k] = pool.GridFactor * f;
            var loop = PoolLoop[Pairs[k].Pool];
            heatPerKw[k] = loop < 0 ? 0 : loops[loop].CaptureFraction * f;
        }

        GridPerKw = gridPerKw;
        HeatPerKw = heatPerKw;
        IdleGridKw = new SiteLoad(site).IdleImport.Kilowatts;
        var idleHeatKw = new double[loops.Count];
        for (var p = 0; p < pools.Count; p++)
        {
            if (PoolLoop[p] >= 0)
            {
                idleHeatKw[PoolLoop[p]] += pools[p].IdlePower.Kilowatts * loops[PoolLoop[p]].CaptureFraction;
            }
        }

        IdleHeatKw = idleHeatKw;
        var tieBreak = new double[Pairs.Length];
        for (var k = 0; k < Pairs.Length; k++)
        {
            tieBreak[k] = TieBreakPerMwh * site.Policy.KeepRank(workloads[Pairs[k].Workload]) * Hours / 1_000;
        }

        var objective = _solver.Objective();
        var perKwh = Hours / 1_000;          // EUR/MWh × kW × slot → EUR
        var limit = site.Policy.MaxImportPrice?.PerMegawattHour;
        var ramp = site.Policy.RampLimitPerMinute is { } r ? r.Kilowatts * input.Prices.SlotLength.TotalMinutes : (double?)null;

        for (var t = 0; t < slots; t++)
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
                var ub = OnlySla[t] && w is not InferenceWorkload ? 0 : pool.MaxPower.Kilowatts;
                var x = _solver.MakeNumVar(0, ub, string.Empty);
                X[t, k] = x;
                var value = w switch
                {
                    InferenceWorkload inf => inf.PricePerGpuHour.Amount * Hours / pool.MaxPowerPerGpu.Kilowatts,
                    MiningWorkload m => input.MiningValuePerMwhAt(m, pool, i) * perKwh,
                    _ => 0,
                };
                objective.SetCoefficient(x, value - (Cost[t] * perKwh * gridPerKw[k]) + tieBreak[k]);
            }

            // Pool capacity.
            for (var p = 0; p < pools.Count; p++)
            {
                var row = _solver.MakeConstraint(double.NegativeInfinity, pools[p].MaxPower.Kilowatts, string.Empty);
                for (var k = 0; k < Pairs.Length; k++)
                {
                    if (Pairs[k].Pool == p)
                    {
                        row.SetCoefficient(X[t, k], 1);
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

                var demand = input.TenantDemandAt(inf, i);
                var most = OnlySla[t] ? Math.Min(demand, inf.SlaMinGpus) : demand;
                var upper = _solver.MakeConstraint(double.NegativeInfinity, most, string.Empty);
                var lower = _solver.MakeConstraint(inf.SlaMinGpus, double.PositiveInfinity, string.Empty);
                for (var k = 0; k < Pairs.Length; k++)
                {
                    if (Pairs[k].Workload == w)
                    {
                        var perGpu = 1 / pools[Pairs[k].Pool].MaxPowerPerGpu.Kilowatts;
                        upper.SetCoefficient(X[t, k], perGpu);
                        lower.SetCoefficient(X[t, k], perGpu);
                    }
                }

                if (inf.SlaMinGpus > 0)
                {
                    var shortGpus = _solver.MakeNumVar(0, inf.SlaMinGpus, string.Empty);
                    lower.SetCoefficient(shortGpus, 1);
                    objective.SetCoefficient(shortGpus, -options.SlaPenaltyPerGpuHour * Hours);
                    SlaShort[t, w] = shortGpus;
                }
            }

            // Controllable grid power above idle (one row), the grid cap on it (soft, reported), and the
            // ramp limit between consecutive planned slots (soft): ramp rows stay two entries long.
            var work = _solver.MakeNumVar(double.NegativeInfinity, double.PositiveInfinity, string.Empty);
            var define = _solver.MakeConstraint(0, 0, string.Empty);
            for (var k = 0; k < Pairs.Length; k++)
            {
                define.SetCoefficient(X[t, k], gridPerKw[k]);
            }

            define.SetCoefficient(work, -1);
            WorkGrid[t] = work;
            // The cap is hard for everything HeatGrid controls: the only import above it the LP may plan is what
            // idle GPUs and the base load need on their own (a curtailment below them), so no price, however
            // extreme, and no other penalty can buy import above the cap in force.
            var room = ImportCapKw[t] - site.Grid.BaseLoad.Kilowatts - IdleGridKw;
            var over = _solver.MakeNumVar(0, Math.Max(0, -room), string.Empty);
            objective.SetCoefficient(over, -options.GridCapPenaltyPerMwh * perKwh);
            var cap = _solver.MakeConstraint(double.NegativeInfinity, room, string.Empty);
            cap.SetCoefficient(work, 1);
            cap.SetCoefficient(over, -1);
            CapOver[t] = over;
            CapRow[t] = cap;

            if (ramp is { } rampKw && t > 0)
            {
                var up = _solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
                var down = _solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
                objective.SetCoefficient(up, -options.RampPenaltyPerMwh * perKwh);
                objective.SetCoefficient(down, -options.RampPenaltyPerMwh * perKwh);
                var rowUp = _solver.MakeConstraint(double.NegativeInfinity, rampKw, string.Empty);
                rowUp.SetCoefficient(work, 1);
                rowUp.SetCoefficient(WorkGrid[t - 1], -1);
                rowUp.SetCoefficient(up, -1);
                var rowDown = _solver.MakeConstraint(-rampKw, double.PositiveInfinity, string.Empty);
                rowDown.SetCoefficient(work, 1);
                rowDown.SetCoefficient(WorkGrid[t - 1], -1);
                rowDown.SetCoefficient(down, 1);
                RampUp[t] = up;
                RampDown[t] = down;
            }

            for (var l = 0; l < loops.Count; l++)
            {
                BuildLoop(t, l, i, objective, perKwh);
            }
        }

        objective.SetMaximization();
    }

    public PlanningInput Input { get; }

    /// <summary>Between equally valuable workloads, the one shed later wins (as in the merit order).</summary>
    private const double TieBreakPerMwh = 0.01;

    /// <summary>The largest all-in price per MWh the objective weighs (a site file's price limits are at most 1e6 per MWh).</summary>
    internal const double PriceBoundPerMwh = 1_000_000;

    public Site Site { get; }

    public LpPlannerOptions Options { get; }

    public IReadOnlyList<int> SlotIndices { get; }

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

    public int VariableCount => _solver.NumVariables();

    public int ConstraintCount => _solver.NumConstraints();

    public Solver.ResultStatus Solve() => _solver.Solve();

    public double Objective => _solver.Objective().Value();

    /// <summary>Shadow price of a row in site currency per MWh of its kW over one slot.</summary>
    public double PerMwh(Constraint row) => Math.Abs(row.DualValue()) * 1_000 / Hours;

    public static double V(Variable? v) => v is null ? 0 : Math.Max(0, v.SolutionValue());

    public static bool Positive(double value) => value > 1e-4;

    public void Dispose() => _solver.Dispose();

    private void BuildLoop(int t, int l, int i, Objective objective, double perKwh)
    {
        var loop = Site.HeatLoops[l];
        var demand = Input.HeatDemand.TryGetValue(loop.Name, out var series) && i < series.Count
            ? Math.Max(0, series[i].Kilowatts)
            : 0;
        Demand[t, l] = demand;

        // captured + discharge + boiler + shortfall = demand + charge + dumped + excess
        var balance = _solver.MakeConstraint(demand - IdleHeatKw[l], demand - IdleHeatKw[l], string.Empty);
        var absorb = _solver.MakeConstraint(double.NegativeInfinity, loop.MaxAbsorption.Kilowatts - IdleHeatKw[l], string.Empty);
        for (var k = 0; k < Pairs.Length; k++)
        {
            if (PoolLoop[Pairs[k].Pool] == l)
            {
                balance.SetCoefficient(X[t, k], HeatPerKw[k]);
                absorb.SetCoefficient(X[t, k], HeatPerKw[k]);
            }
        }

        var absorbOver = _solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
        absorb.SetCoefficient(absorbOver, -1);
        objective.SetCoefficient(absorbOver, -Options.HeatLimitPenaltyPerMwh * perKwh);
        AbsorbOver[t, l] = absorbOver;

        var shortfall = _solver.MakeNumVar(0, demand, string.Empty);
        balance.SetCoefficient(shortfall, 1);
        objective.SetCoefficient(shortfall, -(loop.HeatPrice.PerMegawattHour + loop.Consumer.ShortfallPenalty.PerMegawattHour) * perKwh);
        Shortfall[t, l] = shortfall;

        var dumped = _solver.MakeNumVar(0, loop.DryCooler.Kilowatts, string.Empty);
        balance.SetCoefficient(dumped, -1);
        Dumped[t, l] = dumped;
        var excess = _solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
        balance.SetCoefficient(excess, -1);
        objective.SetCoefficient(excess, -Options.HeatLimitPenaltyPerMwh * perKwh);
        Excess[t, l] = excess;

        if (loop.Boiler is { } boiler)
        {
            var b = _solver.MakeNumVar(0, boiler.Capacity.Kilowatts, string.Empty);
            balance.SetCoefficient(b, 1);
            objective.SetCoefficient(b, -boiler.HeatCost.PerMegawattHour * perKwh);
            Boiler[t, l] = b;
        }

        if (loop.Storage is { } tank)
        {
            var charge = _solver.MakeNumVar(0, tank.MaxCharge.Kilowatts, string.Empty);
            var discharge = _solver.MakeNumVar(0, tank.MaxDischarge.Kilowatts, string.Empty);
            var stored = _solver.MakeNumVar(0, tank.Capacity.KilowattHours, string.Empty);
            var reserveShort = _solver.MakeNumVar(0, tank.Minimum.KilowattHours, string.Empty);
            balance.SetCoefficient(charge, -1);
            balance.SetCoefficient(discharge, 1);

            // e[t+1] − (1 − loss·dt)·e[t] − dt·charge + dt·discharge = 0
            var keep = 1 - (tank.LossFractionPerHour * Hours);
            var previous = t == 0 ? InitialStored[l] : 0;
            var dynamics = _solver.MakeConstraint(keep * previous, keep * previous, string.Empty);
            dynamics.SetCoefficient(stored, 1);
            if (t > 0)
            {
                dynamics.SetCoefficient(Stored[t - 1, l], -keep);
            }

            dynamics.SetCoefficient(charge, -Hours);
            dynamics.SetCoefficient(discharge, Hours);

            var reserve = _solver.MakeConstraint(tank.Minimum.KilowattHours, double.PositiveInfinity, string.Empty);
            reserve.SetCoefficient(stored, 1);
            reserve.SetCoefficient(reserveShort, 1);
            objective.SetCoefficient(reserveShort, -Options.TankReservePenaltyPerMwh / 1_000);

            Charge[t, l] = charge;
            Discharge[t, l] = discharge;
            Stored[t, l] = stored;
            TankShort[t, l] = reserveShort;
            if (t == SlotIndices.Count - 1)
            {
                objective.SetCoefficient(stored, PlanEconomics.StoredHeatValuePerMwh(loop) * Options.TerminalTankValueFactor / 1_000);
            }
        }

        HeatRow[t, l] = balance;
    }
}
