using System.Globalization;
using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Contracts.Time;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Planning.Lp;

/// <summary>
/// Turns a solved <see cref="LpModel"/> into the planner contract: whole GPUs per pool and workload,
/// heat per loop whose balance closes, and per slot the explanations (from marginal values and binding
/// limits) and the violations (from the soft limits' slack), in the operator's words.
/// </summary>
internal sealed class LpPlanReader(LpModel model)
{
    private const double RoundingSlack = 1e-6;

    private readonly Site _site = model.Site;

    /// <summary>Pairs in the order allocations are listed: by pool name, then workload name.</summary>
    private readonly int[] _allocationOrder = [.. Enumerable.Range(0, model.Pairs.Length)
        .OrderBy(k => model.Site.Pools[model.Pairs[k].Pool].Name, StringComparer.Ordinal)
        .ThenBy(k => model.Site.Workloads[model.Pairs[k].Workload].Name, StringComparer.Ordinal)];

    /// <param name="planner">The planner's name.</param>
    /// <param name="count">Slots to read from the first (null: all).</param>
    public Plan Read(string planner, int? count = null)
    {
        var n = Math.Min(model.SlotIndices.Count, Math.Max(1, count ?? int.MaxValue));
        var slots = new List<PlanSlot>(n);
        var stored = (double[])model.InitialStored.Clone();
        for (var t = 0; t < n; t++)
        {
            slots.Add(ReadSlot(t, stored));
        }

        return new Plan(_site.Name, planner, model.Input.Now, slots);
    }

    private PlanSlot ReadSlot(int t, double[] stored)
    {
        var pools = _site.Pools;
        var workloads = _site.Workloads;
        var pairs = model.Pairs;
        var i = model.SlotIndices[t];
        var start = model.Input.Prices.SlotStart(i);
        var length = model.Input.Prices.SlotLength;
        var spot = model.Input.Prices.Prices[i];
        var cost = _site.Grid.Tariff.CostAt(spot);
        var explanations = new List<string>();
        var violations = new List<string>();

        var power = new double[pairs.Length];
        for (var k = 0; k < pairs.Length; k++)
        {
            power[k] = LpModel.V(model.X[t, k]);
        }

        var gpus = RoundGpus(power);
        var capKw = model.ImportCapKw[t];
        var cap = Power.FromKilowatts(capKw);
        // Rounding must not take the plan above the cap: only what idle GPUs and the base load need may be over it.
        ShedRoundingOverflow(gpus, Math.Max(capKw, _site.Grid.BaseLoad.Kilowatts + model.IdleGridKw));
        var importKw = GridImportKw(power, gpus);

        var allocations = new List<PoolAllocation>();
        foreach (var k in _allocationOrder)
        {
            if (gpus[k] <= 0)
            {
                continue;
            }

            var pool = pools[pairs[k].Pool];
            allocations.Add(new PoolAllocation(pool.Name, workloads[pairs[k].Workload].Name, pool.MaxPowerPerGpu * gpus[k], gpus[k]));
        }

        var capShadow = model.PerMwh(model.CapRow[t]);
        var heat = new List<HeatDispatch>();
        var heatShadow = new double[_site.HeatLoops.Count];
        for (var l = 0; l < _site.HeatLoops.Count; l++)
        {
            heatShadow[l] = model.PerMwh(model.HeatRow[t, l]);
            heat.Add(ReadLoop(t, l, power, gpus, stored, heatShadow[l], explanations, violations));
        }

        // Violations: the soft limits' slack.
        var over = LpModel.V(model.CapOver[t]);
        if (LpModel.Positive(over) || importKw > capKw + 1e-6)
        {
            var idleKw = _site.Grid.BaseLoad.Kilowatts + model.IdleGridKw;
            violations.Insert(0, idleKw > capKw
                ? $"grid cap: idle GPUs and base load alone need {Kw(idleKw - capKw)} more than the cap of {cap}"
                : $"grid cap: {Kw(importKw - capKw)} over the cap of {cap}");
        }

        for (var w = 0; w < workloads.Count; w++)
        {
            if (workloads[w] is InferenceWorkload { SlaMinGpus: > 0 } inf)
            {
                var served = Served(w, gpus);
                if (served < inf.SlaMinGpus)
                {
                    var reason = LpModel.Positive(over) || capShadow > 1e-6 ? "grid cap" : "heat or pool limits";
                    violations.Add($"SLA of {inf.Name}: {inf.SlaMinGpus - served} GPUs short ({reason})");
                }
            }
        }

        var up = LpModel.V(model.RampUp[t]) + LpModel.V(model.RampDown[t]);
        if (LpModel.Positive(up))
        {
            violations.Add($"ramp limit: controllable load changes {Kw(up)} more than the {_site.Policy.RampLimitPerMinute} per minute allow");
        }

        // Explanations: price, policy, each workload against its marginal value, binding limits.
        explanations.Insert(0, $"power costs {P(cost)} all-in (spot {P(spot)})");
        if (model.OnlySla[t] && _site.Policy.MaxImportPrice is { } limit)
        {
            explanations.Insert(1, $"only SLA work runs: power costs {P(cost)} all-in, above the policy limit of {P(limit)}");
        }

        for (var w = 0; w < workloads.Count; w++)
        {
            explanations.Add(ExplainWorkload(t, w, gpus, capShadow, heatShadow));
        }

        if (capShadow > 1e-6 || LpModel.Positive(over))
        {
            explanations.Add(string.Create(CultureInfo.InvariantCulture,
                $"grid cap binding: shadow price {capShadow:0} {_site.Currency.Code}/MWh (import {Kw(importKw)} of {cap} cap)"));
        }

        return new PlanSlot(start, length, spot, cost, allocations, heat, Power.FromKilowatts(importKw), explanations, violations);
    }

    private HeatDispatch ReadLoop(int t, int l, double[] power, int[] gpus, double[] stored, double heatValue, List<string> explanations, List<string> violations)
    {
        var loop = _site.HeatLoops[l];
        var hours = model.Hours;
        double lpCaptured = model.IdleHeatKw[l], captured = model.IdleHeatKw[l];
        for (var k = 0; k < model.Pairs.Length; k++)
        {
            if (model.PoolLoop[model.Pairs[k].Pool] == l)
            {
                lpCaptured += model.HeatPerKw[k] * power[k];
                captured += model.HeatPerKw[k] * gpus[k] * _site.Pools[model.Pairs[k].Pool].MaxPowerPerGpu.Kilowatts;
            }
        }

        captured = Math.Min(captured, Math.Max(lpCaptured, loop.MaxAbsorption.Kilowatts));   // the rest warms the room
        var demand = model.Demand[t, l];
        var toStorage = LpModel.V(model.Charge[t, l]);
        var fromStorage = LpModel.V(model.Discharge[t, l]);
        var boiler = LpModel.V(model.Boiler[t, l]);
        var shortfall = LpModel.V(model.Shortfall[t, l]);
        var dumped = LpModel.V(model.Dumped[t, l]) + LpModel.V(model.Excess[t, l]);

        // Whole GPUs capture a little less than the LP's powers: take it from the dry cooler, then the
        // boiler, then the tank's charge; only then is it a shortfall. The balance is closed exactly.
        var missing = lpCaptured - captured;
        var take = Math.Min(missing, dumped);
        dumped -= take;
        missing -= take;
        if (missing > 0 && loop.Boiler is { } b)
        {
            take = Math.Min(missing, b.Capacity.Kilowatts - boiler);
            boiler += take;
            missing -= take;
        }

        take = Math.Min(Math.Max(0, missing), toStorage);
        toStorage -= take;
        missing -= take;
        shortfall += Math.Max(0, missing);
        dumped += Math.Max(0, -missing);
        var residual = (captured + fromStorage + boiler + shortfall) - (demand + toStorage + dumped);
        dumped += residual;   // solver tolerance only
        if (dumped < 0)
        {
            shortfall -= dumped;
            dumped = 0;
        }

        if (loop.Storage is { } tank)
        {
            stored[l] = Math.Max(0, (stored[l] * (1 - (tank.LossFractionPerHour * hours))) + ((toStorage - fromStorage) * hours));
            if (LpModel.Positive(LpModel.V(model.TankShort[t, l])))
            {
                violations.Add($"{loop.Name}: tank {EnergyAmount.FromKilowattHours(LpModel.V(model.TankShort[t, l]))} below its minimum of {tank.Minimum}");
            }
        }

        if (LpModel.Positive(shortfall))
        {
            violations.Add($"{loop.Name}: {Kw(shortfall)} of heat demand unmet (no boiler capacity left)");
        }

        var beyond = LpModel.V(model.Excess[t, l]) + LpModel.V(model.AbsorbOver[t, l]);
        if (LpModel.Positive(beyond))
        {
            violations.Add($"{loop.Name}: {Kw(beyond)} of heat beyond what the loop can absorb or reject");
        }

        ExplainLoop(t, l, toStorage, fromStorage, boiler, heatValue, explanations);
        return new HeatDispatch(loop.Name, Power.FromKilowatts(demand), Power.FromKilowatts(captured), Power.FromKilowatts(demand - shortfall),
            Power.FromKilowatts(toStorage), Power.FromKilowatts(fromStorage), Power.FromKilowatts(dumped), Power.FromKilowatts(boiler),
            Power.FromKilowatts(shortfall), EnergyAmount.FromKilowattHours(stored[l]));
    }

    private void ExplainLoop(int t, int l, double toStorage, double fromStorage, double boiler, double heatValue, List<string> explanations)
    {
        var loop = _site.HeatLoops[l];
        explanations.Add(string.Create(CultureInfo.InvariantCulture,
            $"{loop.Name}: heat worth {heatValue:0} {_site.Currency.Code}/MWh at the margin"));
        if (toStorage > 1 && toStorage > fromStorage)
        {
            var peak = -1;
            var horizon = Math.Min(model.Cost.Length, t + 1 + (int)Math.Ceiling(24 / model.Hours));
            for (var s = t + 1; s < horizon; s++)
            {
                if (model.Cost[s] > model.Cost[t] && (peak < 0 || model.Cost[s] > model.Cost[peak]))
                {
                    peak = s;
                }
            }

            if (peak >= 0)
            {
                var at = TimeText.Clock(model.Input.Prices.SlotStart(model.SlotIndices[peak]), model.Input.Now, _site.TimeZone);
                explanations.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{loop.Name}: tank charging {Kw(toStorage)} ahead of the {at} price peak ({model.Cost[peak]:0} {_site.Currency.Code}/MWh all-in)"));
            }
            else
            {
                explanations.Add($"{loop.Name}: tank charging {Kw(toStorage)}: heat with no buyer now is kept for later");
            }
        }
        else if (fromStorage > 1)
        {
            explanations.Add($"{loop.Name}: tank discharging {Kw(fromStorage)}: heat stored earlier replaces boiler heat or dearer power");
        }

        if (boiler > 1 && loop.Boiler is { } b)
        {
            explanations.Add($"{loop.Name}: boiler covers {Kw(boiler)}: GPU heat would cost more than the boiler's {P(b.HeatCost)}");
        }
    }

    private string ExplainWorkload(int t, int w, int[] gpus, double capShadow, double[] heatShadow)
    {
        var workload = _site.Workloads[w];
        var pairs = model.Pairs;
        var n = Served(w, gpus);
        if (workload is InferenceWorkload inf)
        {
            var demand = model.Input.TenantDemandAt(inf, model.SlotIndices[t]);
            return n > 0
                ? $"{inf.Name}: {n} GPUs for {inf.Tenant} (demand {demand}, SLA {inf.SlaMinGpus})"
                : $"{inf.Name} off (demand {demand}, SLA {inf.SlaMinGpus})";
        }

        if (model.OnlySla[t])
        {
            return $"{workload.Name} off: only SLA work runs";
        }

        if (workload is MiningWorkload least && pairs.Where(p => p.Workload == w).All(p => !least.Runs(model.Input.MiningValuePerMwhAt(least, _site.Pools[p.Pool], model.SlotIndices[t]))))
        {
            var earns = pairs.Where(p => p.Workload == w).Select(p => model.Input.MiningValuePerMwhAt(least, _site.Pools[p.Pool], model.SlotIndices[t])).DefaultIfEmpty(0).Max();
            return string.Create(CultureInfo.InvariantCulture,
                $"{workload.Name} off: it earns {earns:0.###} {_site.Currency}/MWh of GPU energy, below its minimum {least.MinValuePerMwh:0.###} (minValuePerMwh)");
        }

        // Per MWh of the GPU's working power, on the pool where it is worth most.
        (double Value, double Heat, double Cost)? best = null;
        for (var k = 0; k < pairs.Length; k++)
        {
            if (pairs[k].Workload != w)
            {
                continue;
            }

            var value = workload is MiningWorkload m ? model.Input.MiningValuePerMwhAt(m, _site.Pools[pairs[k].Pool], model.SlotIndices[t]) : 0;
            var loop = model.PoolLoop[pairs[k].Pool];
            var heat = loop < 0 ? 0 : model.HeatPerKw[k] * heatShadow[loop];
            var cost = model.GridPerKw[k] * (model.Cost[t] + capShadow);
            if (best is null || value + heat - cost > best.Value.Value + best.Value.Heat - best.Value.Cost)
            {
                best = (value, heat, cost);
            }
        }

        if (best is not { } b)
        {
            return $"{workload.Name} off: no pool may run it";
        }

        var currency = _site.Currency.Code;
        return n > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{workload.Name} on {n} GPUs: worth {b.Value:0} + heat {b.Heat:0} > cost {b.Cost:0} {currency}/MWh")
            : string.Create(CultureInfo.InvariantCulture, $"{workload.Name} off: cost {b.Cost:0} {currency}/MWh > its value {b.Value + b.Heat:0} {currency}/MWh (worth {b.Value:0} + heat {b.Heat:0})");
    }

    /// <summary>GPUs given to workload <paramref name="w"/> over every pool.</summary>
    private int Served(int w, int[] gpus)
    {
        var n = 0;
        for (var k = 0; k < model.Pairs.Length; k++)
        {
            if (model.Pairs[k].Workload == w)
            {
                n += gpus[k];
            }
        }

        return n;
    }

    /// <summary>Whole GPUs: each pair rounded down, an inference tenant's total rounded once and spread back.</summary>
    private int[] RoundGpus(double[] power)
    {
        var pairs = model.Pairs;
        var pools = _site.Pools;
        var gpus = new int[pairs.Length];
        var exact = new double[pairs.Length];
        for (var k = 0; k < pairs.Length; k++)
        {
            exact[k] = power[k] / pools[pairs[k].Pool].MaxPowerPerGpu.Kilowatts;
            gpus[k] = Math.Min(pools[pairs[k].Pool].Count, (int)Math.Floor(exact[k] + RoundingSlack));
        }

        for (var w = 0; w < _site.Workloads.Count; w++)
        {
            if (_site.Workloads[w] is not InferenceWorkload)
            {
                continue;
            }

            double exactSum = 0;
            var roundedSum = 0;
            for (var k = 0; k < pairs.Length; k++)
            {
                if (pairs[k].Workload == w)
                {
                    exactSum += exact[k];
                    roundedSum += gpus[k];
                }
            }

            var missing = (int)Math.Floor(exactSum + RoundingSlack) - roundedSum;
            if (missing <= 0)
            {
                continue;
            }

            var mine = Enumerable.Range(0, pairs.Length).Where(k => pairs[k].Workload == w).ToList();
            foreach (var k in mine.OrderByDescending(k => exact[k] - gpus[k]))
            {
                if (missing <= 0)
                {
                    break;
                }

                var p = pairs[k].Pool;
                var used = Enumerable.Range(0, pairs.Length).Where(j => pairs[j].Pool == p).Sum(j => gpus[j]);
                if (used < pools[p].Count)
                {
                    gpus[k]++;
                    missing--;
                }
            }
        }

        return gpus;
    }

    /// <summary>
    /// Rounding inference up may cost a few hundred watts: mining, then heater GPUs give way, and inference
    /// GPUs last (an SLA short by one GPU is a violation the plan names; import above the cap is not allowed).
    /// </summary>
    private void ShedRoundingOverflow(int[] gpus, double limitKw)
    {
        var pairs = model.Pairs;
        foreach (var kind in new[] { WorkloadKind.Mining, WorkloadKind.Heater, WorkloadKind.Inference })
        {
            for (var k = 0; k < pairs.Length; k++)
            {
                while (_site.Workloads[pairs[k].Workload].Kind == kind && gpus[k] > 0 && GridImportKw(null, gpus) > limitKw + 1e-6)
                {
                    gpus[k]--;
                }
            }
        }
    }

    private double GridImportKw(double[]? power, int[]? whole)
    {
        var kw = _site.Grid.BaseLoad.Kilowatts + model.IdleGridKw;
        for (var k = 0; k < model.Pairs.Length; k++)
        {
            var pool = _site.Pools[model.Pairs[k].Pool];
            var work = whole is null ? power![k] : whole[k] * pool.MaxPowerPerGpu.Kilowatts;
            kw += model.GridPerKw[k] * work;
        }

        return kw;
    }

    private static string P(EnergyPrice p) => string.Create(CultureInfo.InvariantCulture, $"{p.PerMegawattHour:0.#} {p.Currency}/MWh");

    private static string Kw(double kilowatts) => Power.FromKilowatts(kilowatts).ToString();
}
