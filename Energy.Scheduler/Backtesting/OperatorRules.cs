using Energy.Contracts.Planning;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Backtesting;

/// <summary>Which operator limits changed or held a slot's decision (or, for the grid cap, ran it at the cap).</summary>
[Flags]
public enum PolicyLimits
{
    None = 0,

    /// <summary><c>policy.maxImportPricePerMwh</c>: the all-in price was above it, so only SLA work ran.</summary>
    PriceLimit = 1,

    /// <summary><c>policy.rampLimitKwPerMinute</c>: the change from the previous slot was cut to the limit.</summary>
    Ramp = 2,

    /// <summary><c>policy.minDwell</c>: GPUs that had not dwelt long enough on their workload could not be moved.</summary>
    Dwell = 4,

    /// <summary><c>grid.importCapKw</c> (base load included): load was shed to keep the import under it, or the import was at it.</summary>
    GridCap = 8,

    /// <summary>A tenant's <c>slaMinGpus</c> kept GPUs working that would not otherwise have (known only by a run with the SLA relaxed).</summary>
    SlaMinimum = 16,
}

/// <summary>
/// The operator's policy, applied to every strategy's decision before it is executed, as the controller
/// applies it to a plan: a backtest compares strategies under the same rules. In this order:
/// <list type="number">
/// <item>Reality: no more GPUs than a pool has, no more than a tenant wants; every working GPU at its power limit (the planners' power model);
/// no mining in a slot where it earns less than its <see cref="MiningWorkload.MinValuePerMwh"/>.</item>
/// <item>Price limit: above <see cref="OperatorPolicy.MaxImportPrice"/> (all-in) only SLA work runs: mining and heater off, each tenant at most its SLA.</item>
/// <item>Minimum dwell: a GPU that started a workload less than <see cref="OperatorPolicy.MinDwell"/> ago may go idle but not to another
/// workload (as <c>GpuDispatcher</c>); a tenant below its SLA outranks dwell.</item>
/// <item>Ramp limit: the controllable grid power (above idle, cooling included) changes by at most
/// <see cref="OperatorPolicy.RampLimitPerMinute"/> × slot minutes from the previous slot: a rise is cut by shedding in the shed
/// order, a fall by keeping the previous slot's work on (never against the price limit).</item>
/// <item>Grid cap: the import (base load, idle GPUs and cooling included) stays under the cap in force: whole GPUs are shed in the shed
/// order (mining, heater, inference above its SLA, and SLA inference only where the policy lists it).</item>
/// </list>
/// One instance per run: it remembers the previous slot (ramp) and recent starts (dwell).
/// </summary>
public sealed class OperatorRules
{
    private const double Eps = 1e-6;
    private readonly Site _site;
    private readonly TimeSpan _length;
    private readonly Workload[] _workloads;
    private readonly double[] _workKwPerGpu;
    private readonly int _dwellSlots;
    private readonly Queue<int[,]> _starts = new();
    private int[,]? _previous;

    public OperatorRules(Site site, TimeSpan slotLength)
    {
        ArgumentNullException.ThrowIfNull(site);
        _site = site;
        _length = slotLength;
        _workloads = [.. site.Workloads];
        _workKwPerGpu = site.Pools.Select(p => p.GridFactor * (p.MaxPowerPerGpu - p.IdlePowerPerGpu).Kilowatts).ToArray();
        _dwellSlots = slotLength > TimeSpan.Zero ? (int)Math.Ceiling(site.Policy.MinDwell / slotLength - Eps) : 0;
    }

    /// <summary>Controllable grid power (kW above idle, cooling included) of one GPU of each pool at its power limit.</summary>
    public IReadOnlyList<double> WorkKwPerGpu => _workKwPerGpu;

    /// <summary>Applies the policy to one slot's decision; <paramref name="capKw"/> is the import cap in force.</summary>
    /// <param name="miningValuePerMwh">What mining on a pool earns in the slot; null for each workload's constant. Mining below its
    /// <see cref="MiningWorkload.MinValuePerMwh"/> does not run.</param>
    public (IReadOnlyList<PoolAllocation> Allocations, PolicyLimits Limits) Apply(DateTimeOffset start, double spotPerMwh, IReadOnlyList<PoolAllocation> proposed, double? capKw = null,
        Func<MiningWorkload, GpuPool, double>? miningValuePerMwh = null)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        var pools = _site.Pools;
        var g = new int[pools.Count, _workloads.Length];
        var demand = new int[_workloads.Length];
        for (var w = 0; w < _workloads.Length; w++)
        {
            demand[w] = _workloads[w] is InferenceWorkload tenant ? tenant.DemandAt(start, _site.TimeZone) : int.MaxValue;
        }

        // Reality bounds the decision.
        var busy = new int[pools.Count];
        var used = new int[_workloads.Length];
        foreach (var a in proposed)
        {
            var p = PoolIndex(a.Pool);
            var w = WorkloadIndex(a.Workload);
            if (p < 0 || w < 0 || !_workloads[w].MayRunOn(pools[p])
                || (_workloads[w] is MiningWorkload m && !m.Runs(miningValuePerMwh?.Invoke(m, pools[p]) ?? m.ValuePerMwh.PerMegawattHour)))
            {
                continue;
            }

            var n = Math.Max(0, Math.Min(Math.Min(a.Gpus, pools[p].Count - busy[p]), demand[w] - used[w]));
            g[p, w] += n;
            busy[p] += n;
            used[w] += n;
        }

        var limits = PolicyLimits.None;
        var limit = _site.Policy.MaxImportPrice?.PerMegawattHour;
        var onlySla = limit is { } l && _site.Grid.Tariff.CostAt(EnergyPrice.PerMwh(spotPerMwh, _site.Currency)).PerMegawattHour > l;
        if (onlySla)
        {
            limits |= PolicyLimits.PriceLimit;
            for (var w = 0; w < _workloads.Length; w++)
            {
                var most = _workloads[w] is InferenceWorkload tenant ? Math.Min(demand[w], tenant.SlaMinGpus) : 0;
                Reduce(g, w, Total(g, w) - most);
            }
        }

        if (HoldForDwell(g))
        {
            limits |= PolicyLimits.Dwell;
        }

        if (_previous is { } previous && _site.Policy.RampLimitPerMinute is { } ramp && LimitRamp(g, previous, ramp.Kilowatts * _length.TotalMinutes, demand, onlySla))
        {
            limits |= PolicyLimits.Ramp;
        }

        if (ShedToCap(g, capKw ?? _site.Grid.ImportCap.Kilowatts))
        {
            limits |= PolicyLimits.GridCap;
        }

        Remember(g);
        var allocations = new List<PoolAllocation>();
        for (var p = 0; p < pools.Count; p++)
        {
            for (var w = 0; w < _workloads.Length; w++)
            {
                if (g[p, w] > 0)
                {
                    allocations.Add(new PoolAllocation(pools[p].Name, _workloads[w].Name, pools[p].MaxPowerPerGpu * g[p, w], g[p, w]));
                }
            }
        }

        return (allocations, limits);
    }

    /// <summary>Controllable grid power (kW) of an allocation matrix.</summary>
    private double WorkKw(int[,] g)
    {
        var kw = 0.0;
        for (var p = 0; p < _site.Pools.Count; p++)
        {
            for (var w = 0; w < _workloads.Length; w++)
            {
                kw += g[p, w] * _workKwPerGpu[p];
            }
        }

        return kw;
    }

    /// <summary>Dwell: per pool, GPUs that started a workload within the dwell stay reserved for it (on it or idle); new starts elsewhere give way.</summary>
    private bool HoldForDwell(int[,] g)
    {
        if (_dwellSlots <= 1 || _starts.Count == 0)
        {
            return false;
        }

        var held = false;
        for (var p = 0; p < _site.Pools.Count; p++)
        {
            var unsettled = new int[_workloads.Length];
            foreach (var starts in _starts)
            {
                for (var w = 0; w < _workloads.Length; w++)
                {
                    unsettled[w] += starts[p, w];
                }
            }

            var reserved = 0;
            for (var w = 0; w < _workloads.Length; w++)
            {
                reserved += Math.Max(g[p, w], unsettled[w]);
            }

            var excess = reserved - _site.Pools[p].Count;

            // New starts give way, the load shed first giving way first; a tenant's starts up to its SLA outrank dwell.
            foreach (var w in Enumerable.Range(0, _workloads.Length).OrderBy(w => _site.Policy.KeepRank(_workloads[w])))
            {
                if (excess <= 0)
                {
                    break;
                }

                var floor = Math.Max(unsettled[w], _workloads[w] is InferenceWorkload tenant ? Math.Min(g[p, w], tenant.SlaMinGpus) : 0);
                var cut = Math.Min(excess, g[p, w] - floor);
                if (cut > 0)
                {
                    g[p, w] -= cut;
                    excess -= cut;
                    held = true;
                }
            }
        }

        return held;
    }

    private bool LimitRamp(int[,] g, int[,] previous, double rampKw, int[] demand, bool onlySla)
    {
        var change = WorkKw(g) - WorkKw(previous);
        if (change > rampKw + Eps)
        {
            ShedKw(g, change - rampKw);
            return true;
        }

        if (change >= -rampKw - Eps)
        {
            return false;
        }

        // Falling too fast: keep the previous slot's work on, the load kept longest first, within what may run now.
        var missing = -change - rampKw;
        var pools = _site.Pools;
        var order = Enumerable.Range(0, _workloads.Length).OrderByDescending(w => _site.Policy.KeepRank(_workloads[w]));
        foreach (var w in order)
        {
            if (onlySla && _workloads[w] is not InferenceWorkload)
            {
                continue;
            }

            for (var p = 0; p < pools.Count && missing > Eps; p++)
            {
                var room = Math.Min(previous[p, w] - g[p, w], pools[p].Count - Busy(g, p));
                var wanted = _workloads[w] is InferenceWorkload tenant
                    ? Math.Min(room, (onlySla ? Math.Min(demand[w], tenant.SlaMinGpus) : demand[w]) - Total(g, w))
                    : room;
                var add = Math.Min(wanted, (int)Math.Ceiling((missing / _workKwPerGpu[p]) - Eps));
                if (add > 0)
                {
                    g[p, w] += add;
                    missing -= add * _workKwPerGpu[p];
                }
            }
        }

        return true;
    }

    private bool ShedToCap(int[,] g, double capKw)
    {
        var pools = _site.Pools;
        var importKw = _site.Grid.BaseLoad.Kilowatts;
        for (var p = 0; p < pools.Count; p++)
        {
            importKw += pools[p].GridPowerFor(pools[p].IdlePower).Kilowatts;
        }

        importKw += WorkKw(g);
        if (importKw <= capKw + Eps)
        {
            // At the cap: less than the smallest GPU's step below it.
            return _workKwPerGpu.Length > 0 && importKw > capKw - _workKwPerGpu.Min() + Eps && WorkKw(g) > 0;
        }

        ShedKw(g, importKw - capKw);
        return true;
    }

    /// <summary>Sheds whole GPUs in the operator's shed order until <paramref name="kw"/> of controllable power is gone (or nothing sheddable is left).</summary>
    private void ShedKw(int[,] g, double kw)
    {
        var pools = _site.Pools;

        // Units of load in shed order: each workload, a tenant split into its GPUs above the SLA and those within it.
        var units = new List<(int Rank, int Workload, bool WithinSla)>();
        for (var w = 0; w < _workloads.Length; w++)
        {
            var step = ShedSteps.Of(_workloads[w]);
            if (_site.Policy.ShedRank(step!.Value) is { } rank)
            {
                units.Add((rank, w, false));
            }

            if (_workloads[w] is InferenceWorkload && _site.Policy.ShedRank(ShedStep.InferenceSla) is { } slaRank)
            {
                units.Add((slaRank, w, true));
            }
        }

        foreach (var (_, w, withinSla) in units.OrderBy(u => u.Rank))
        {
            var sla = _workloads[w] is InferenceWorkload tenant ? tenant.SlaMinGpus : 0;
            for (var p = 0; p < pools.Count && kw > Eps; p++)
            {
                // Above the SLA first: a tenant's GPUs down to its SLA, then (where the policy allows) below it.
                var sheddable = withinSla ? g[p, w] : Math.Min(g[p, w], Math.Max(0, Total(g, w) - sla));
                var n = Math.Min(sheddable, (int)Math.Ceiling((kw / _workKwPerGpu[p]) - Eps));
                if (n > 0)
                {
                    g[p, w] -= n;
                    kw -= n * _workKwPerGpu[p];
                }
            }
        }
    }

    private void Remember(int[,] g)
    {
        if (_dwellSlots > 1)
        {
            var starts = new int[_site.Pools.Count, _workloads.Length];
            for (var p = 0; p < _site.Pools.Count; p++)
            {
                for (var w = 0; w < _workloads.Length; w++)
                {
                    starts[p, w] = Math.Max(0, g[p, w] - (_previous?[p, w] ?? 0));
                }
            }

            _starts.Enqueue(starts);
            while (_starts.Count > _dwellSlots - 1)
            {
                _starts.Dequeue();
            }
        }

        _previous = (int[,])g.Clone();
    }

    private void Reduce(int[,] g, int w, int count)
    {
        for (var p = _site.Pools.Count - 1; p >= 0 && count > 0; p--)
        {
            var n = Math.Min(count, g[p, w]);
            g[p, w] -= n;
            count -= n;
        }
    }

    private int Total(int[,] g, int w)
    {
        var n = 0;
        for (var p = 0; p < _site.Pools.Count; p++)
        {
            n += g[p, w];
        }

        return n;
    }

    private int Busy(int[,] g, int p)
    {
        var n = 0;
        for (var w = 0; w < _workloads.Length; w++)
        {
            n += g[p, w];
        }

        return n;
    }

    private int PoolIndex(string name)
    {
        for (var p = 0; p < _site.Pools.Count; p++)
        {
            if (_site.Pools[p].Name == name)
            {
                return p;
            }
        }

        return -1;
    }

    private int WorkloadIndex(string name)
    {
        for (var w = 0; w < _workloads.Length; w++)
        {
            if (_workloads[w].Name == name)
            {
                return w;
            }
        }

        return -1;
    }
}
