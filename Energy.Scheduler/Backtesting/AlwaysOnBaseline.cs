using Energy.Contracts.Planning;
using Energy.Contracts.Sites;

namespace Energy.Scheduler.Backtesting;

/// <summary>
/// "Always on": every GPU works at full power on its best static workload. The tenant gets the GPUs it
/// wants (it pays most per GPU-hour); every other GPU runs the pool's most valuable unbounded workload
/// (mining before heater, by revenue per GPU-hour at full power). Where full power would break the grid
/// cap, all working GPUs are power-capped by the same share of their range above idle (never below
/// their minimum power): the GPUs keep working, the cap holds.
/// </summary>
public sealed class AlwaysOnBaseline : IBaselinePolicy
{
    private readonly Site _site;
    private readonly Workload?[] _filler;

    public AlwaysOnBaseline(Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        _site = site;
        _filler = site.Pools.Select(p => site.Workloads
            .Where(w => w is not InferenceWorkload && w.MayRunOn(p))
            .OrderByDescending(w => w is MiningWorkload m ? m.ValuePerMwh.PerMegawattHour * p.MaxPowerPerGpu.Megawatts : 0)
            .FirstOrDefault()).ToArray();
    }

    public string Name => "always on";

    public IReadOnlyList<PoolAllocation> Decide(DateTimeOffset slotStart, double spotPerMwh) => Allocate(slotStart, includeFiller: true);

    /// <summary>The tenant's GPUs, plus (with <paramref name="includeFiller"/>) every other GPU on the static workload.</summary>
    internal IReadOnlyList<PoolAllocation> Allocate(DateTimeOffset slotStart, bool includeFiller)
    {
        var gpus = new List<(GpuPool Pool, Workload Workload, int Gpus)>();
        var wanted = _site.Workloads.OfType<InferenceWorkload>().ToDictionary(w => w.Name, w => w.DemandAt(slotStart, _site.TimeZone), StringComparer.Ordinal);
        for (var p = 0; p < _site.Pools.Count; p++)
        {
            var pool = _site.Pools[p];
            var free = pool.Count;
            foreach (var tenant in _site.Workloads.OfType<InferenceWorkload>().Where(w => w.MayRunOn(pool)).OrderByDescending(w => w.PricePerGpuHour.Amount))
            {
                var n = Math.Min(free, wanted[tenant.Name]);
                if (n > 0)
                {
                    gpus.Add((pool, tenant, n));
                    wanted[tenant.Name] -= n;
                    free -= n;
                }
            }

            if (includeFiller && free > 0 && _filler[p] is { } filler)
            {
                gpus.Add((pool, filler, free));
            }
        }

        var share = CapShare(gpus);
        return gpus.Select(g => new PoolAllocation(g.Pool.Name, g.Workload.Name,
            (g.Pool.IdlePowerPerGpu + ((g.Pool.MaxPowerPerGpu - g.Pool.IdlePowerPerGpu) * share)) * g.Gpus, g.Gpus)).ToList();
    }

    /// <summary>The share of each working GPU's range above idle that keeps the grid import within the cap (1 = full power).</summary>
    private double CapShare(List<(GpuPool Pool, Workload Workload, int Gpus)> gpus)
    {
        var fixedW = _site.Grid.BaseLoad.Watts + _site.Pools.Sum(p => p.GridPowerFor(p.IdlePower).Watts);
        var rangeW = gpus.Sum(g => g.Pool.GridPowerFor((g.Pool.MaxPowerPerGpu - g.Pool.IdlePowerPerGpu) * g.Gpus).Watts);
        if (rangeW <= 0 || fixedW + rangeW <= _site.Grid.ImportCap.Watts)
        {
            return 1;
        }

        var floor = gpus.Max(g => (g.Pool.MinPowerPerGpu - g.Pool.IdlePowerPerGpu) / (g.Pool.MaxPowerPerGpu - g.Pool.IdlePowerPerGpu));
        return Math.Clamp((_site.Grid.ImportCap.Watts - fixedW) / rangeW, Math.Max(0, floor), 1);
    }
}
