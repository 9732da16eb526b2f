using Energy.Contracts.Planning;
using Energy.Contracts.Sites;

namespace Energy.Scheduler.Backtesting;

/// <summary>
/// "Always on": every GPU works at its power limit. The tenant gets the GPUs it wants (it pays most per
/// GPU-hour); every other GPU runs the pool's most valuable unbounded workload in the slot (mining before
/// heater while mining earns at least its minimum). The operator's rules then apply as to every strategy
/// (<see cref="OperatorRules"/>): above the price limit only SLA work runs, and where the grid cap (base
/// load included) would break, whole GPUs are shed in the shed order.
/// </summary>
public sealed class AlwaysOnBaseline : IBaselinePolicy
{
    private readonly Site _site;

    public AlwaysOnBaseline(Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        _site = site;
    }

    public string Name => "always on";

    public IReadOnlyList<PoolAllocation> Decide(BaselineSlot slot) => Allocate(slot, includeFiller: true);

    /// <summary>The tenant's GPUs, plus (with <paramref name="includeFiller"/>) every other GPU on the pool's best unbounded workload.</summary>
    internal IReadOnlyList<PoolAllocation> Allocate(BaselineSlot slot, bool includeFiller)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var allocations = new List<PoolAllocation>();
        var wanted = _site.Workloads.OfType<InferenceWorkload>().ToDictionary(w => w.Name, w => w.DemandAt(slot.Start, _site.TimeZone), StringComparer.Ordinal);
        foreach (var pool in _site.Pools)
        {
            var free = pool.Count;
            foreach (var tenant in _site.Workloads.OfType<InferenceWorkload>().Where(w => w.MayRunOn(pool)).OrderByDescending(w => w.PricePerGpuHour.Amount))
            {
                var n = Math.Min(free, wanted[tenant.Name]);
                if (n > 0)
                {
                    allocations.Add(new PoolAllocation(pool.Name, tenant.Name, pool.MaxPowerPerGpu * n, n));
                    wanted[tenant.Name] -= n;
                    free -= n;
                }
            }

            if (includeFiller && free > 0 && Filler(pool, slot) is { } filler)
            {
                allocations.Add(new PoolAllocation(pool.Name, filler.Name, pool.MaxPowerPerGpu * free, free));
            }
        }

        return allocations;
    }

    /// <summary>The pool's unbounded workload earning most per GPU-hour in the slot: mining while it earns at least its minimum, else the heater.</summary>
    private Workload? Filler(GpuPool pool, BaselineSlot slot) => _site.Workloads
        .Where(w => w is not InferenceWorkload && w.MayRunOn(pool) && (w is not MiningWorkload m || m.Runs(slot.MiningValue(m, pool))))
        .OrderByDescending(w => w is MiningWorkload m ? Math.Max(0, slot.MiningValue(m, pool)) : 0)
        .ThenBy(w => w is MiningWorkload ? 1 : 0)
        .FirstOrDefault();
}
