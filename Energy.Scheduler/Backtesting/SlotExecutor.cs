using Energy.Contracts.Heat;
using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Backtesting;

/// <summary>
/// Executes one slot's GPU allocations against the actual heat demand and prices, with the heat-loop
/// physics (<see cref="HeatLoopSimulator"/>: GPU heat first, then the tank, then the boiler), and
/// settles it with the one profit function every strategy is judged by:
/// revenue = inference GPU-hours × price per GPU-hour + mining GPU energy × its value per MWh + heat
/// delivered to the consumer × the loop's heat price; costs = grid energy (base load, idle GPUs and
/// cooling included) × the all-in tariff at the spot price + boiler fuel + unmet heat × the shortfall penalty.
/// </summary>
public sealed class SlotExecutor
{
    private const double CapToleranceW = 1e-3;
    private readonly Site _site;
    private readonly TimeSpan _length;
    private readonly double _hours;
    private readonly Dictionary<string, int> _workloadIndex;
    private readonly Dictionary<string, int> _poolIndex;
    private readonly double[] _loopShare;

    public SlotExecutor(Site site, TimeSpan slotLength)
    {
        ArgumentNullException.ThrowIfNull(site);
        _site = site;
        _length = slotLength;
        _hours = slotLength.TotalHours;
        _workloadIndex = site.Workloads.Select((w, i) => (w.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        _poolIndex = site.Pools.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var peaks = site.HeatLoops.Sum(l => l.Consumer.PeakDemand.Watts);
        _loopShare = site.HeatLoops.Select(l => peaks > 0 ? l.Consumer.PeakDemand.Watts / peaks : 1.0 / site.HeatLoops.Count).ToArray();
    }

    /// <summary>A site-wide heat demand split over the loops by their consumers' design peaks.</summary>
    public double LoopShare(int loop) => _loopShare[loop];

    public HeatLoopSimulator[] NewLoops() => _site.HeatLoops.Select(l => new HeatLoopSimulator(l)).ToArray();

    /// <param name="miningValuePerMwh">What a MWh of GPU energy mining on a pool earned in this slot; null for each workload's constant.</param>
    public SlotOutcome Execute(DateTimeOffset start, double spotPerMwh, IReadOnlyList<PoolAllocation> allocations, double heatDemandKw, HeatLoopSimulator[] loops,
        Func<MiningWorkload, GpuPool, double>? miningValuePerMwh = null)
    {
        ArgumentNullException.ThrowIfNull(allocations);
        ArgumentNullException.ThrowIfNull(loops);
        var busy = new int[_site.Pools.Count];
        var poolW = new double[_site.Pools.Count];
        var byWorkload = new double[_site.Workloads.Count];
        var usedGpus = new int[_site.Workloads.Count];
        double inference = 0, mining = 0;
        foreach (var a in allocations)
        {
            var p = _poolIndex[a.Pool];
            var pool = _site.Pools[p];
            var w = _site.Workloads[_workloadIndex[a.Workload]];

            // Reality bounds the plan: no more GPUs than the pool has, no more than the tenant wants now.
            var gpus = Math.Min(a.Gpus, pool.Count - busy[p]);
            if (w is InferenceWorkload tenant)
            {
                gpus = Math.Max(0, Math.Min(gpus, tenant.DemandAt(start, _site.TimeZone) - usedGpus[_workloadIndex[w.Name]]));
            }

            if (gpus <= 0)
            {
                continue;
            }

            var watts = a.Gpus > 0 ? a.Power.Watts * gpus / a.Gpus : 0;
            busy[p] += gpus;
            poolW[p] += watts;
            byWorkload[_workloadIndex[w.Name]] += watts / 1_000;
            usedGpus[_workloadIndex[w.Name]] += gpus;
            switch (w)
            {
                case InferenceWorkload i:
                    inference += gpus * _hours * i.PricePerGpuHour.Amount;
                    break;
                case MiningWorkload m:
                    mining += watts / 1e6 * _hours * (miningValuePerMwh?.Invoke(m, pool) ?? m.ValuePerMwh.PerMegawattHour);
                    break;
            }
        }

        var gridW = _site.Grid.BaseLoad.Watts;
        for (var p = 0; p < _site.Pools.Count; p++)
        {
            var pool = _site.Pools[p];
            gridW += SiteLoad.PoolImport(pool, busy[p], Power.FromWatts(poolW[p])).Watts;
            poolW[p] += pool.IdlePowerPerGpu.Watts * (pool.Count - busy[p]);
        }

        var meters = new LoopHeatOutcome[_site.HeatLoops.Count];
        double demand = 0, delivered = 0, fromGpus = 0, boiler = 0, shortfall = 0, stored = 0, heatRevenue = 0, fuel = 0, penalty = 0;
        for (var l = 0; l < _site.HeatLoops.Count; l++)
        {
            var loop = _site.HeatLoops[l];
            var gpuW = 0.0;
            for (var p = 0; p < _site.Pools.Count; p++)
            {
                if (_site.Pools[p].HeatLoop == loop.Name)
                {
                    gpuW += poolW[p];
                }
            }

            var f = loops[l].Step(Power.FromWatts(gpuW), Power.FromKilowatts(Math.Max(0, heatDemandKw * _loopShare[l])), _length);
            var served = (f.Demand - f.Shortfall).Kilowatts;
            var burnt = (f.Boiler + f.BoilerToStorage).Kilowatts;
            meters[l] = new LoopHeatOutcome(loop.Name, f.Demand.Kilowatts, f.Delivered.Kilowatts, f.Boiler.Kilowatts, f.Shortfall.Kilowatts, f.BoilerToStorage.Kilowatts);
            demand += f.Demand.Kilowatts;
            delivered += served;
            fromGpus += f.Delivered.Kilowatts;
            boiler += burnt;
            shortfall += f.Shortfall.Kilowatts;
            stored += f.StoredAtEnd.KilowattHours;
            heatRevenue += served / 1_000 * _hours * loop.HeatPrice.PerMegawattHour;
            fuel += burnt / 1_000 * _hours * (loop.Boiler?.HeatCost.PerMegawattHour ?? 0);
            penalty += f.Shortfall.Kilowatts / 1_000 * _hours * loop.Consumer.ShortfallPenalty.PerMegawattHour;
        }

        var cost = _site.Grid.Tariff.CostAt(EnergyPrice.PerMwh(spotPerMwh, _site.Currency)).PerMegawattHour;
        return new SlotOutcome(start, spotPerMwh, gridW / 1_000, byWorkload, demand, delivered, fromGpus, boiler, shortfall, stored,
            inference, mining, heatRevenue, gridW / 1e6 * _hours * cost, fuel, penalty, gridW > _site.Grid.ImportCap.Watts + CapToleranceW)
        {
            Loops = meters,
        };
    }
}
