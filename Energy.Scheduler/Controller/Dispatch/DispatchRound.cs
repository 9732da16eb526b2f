using System.Globalization;
using Energy.Contracts.Agents;
using Energy.Contracts.Planning;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;

namespace Energy.Scheduler.Controller.Dispatch;

/// <summary>
/// One call of <see cref="GpuDispatcher"/>: turns the slot into per-pool targets, then keeps, releases
/// and fills GPUs pool by pool, with one site-wide step that holds tenants' SLAs.
/// </summary>
internal sealed class DispatchRound
{
    private readonly Site _site;
    private readonly DwellTracker _dwell;
    private readonly DateTimeOffset _now;
    private readonly List<PoolWork> _pools = [];
    private readonly List<string> _explanations = [];

    /// <param name="offlineLast">Pool and last workload of each offline GPU (what it reported, else what it was last sent).</param>
    public DispatchRound(
        Site site,
        PlanSlot? slot,
        IReadOnlyList<GpuState> online,
        IReadOnlyList<(string Pool, string? Workload)> offlineLast,
        DwellTracker dwell,
        DateTimeOffset now)
    {
        _site = site;
        _dwell = dwell;
        _now = now;
        for (var i = 0; i < site.Pools.Count; i++)
        {
            var pool = site.Pools[i];
            var members = online.Where(g => g.Pool == pool.Name).OrderBy(g => g.GpuId, StringComparer.Ordinal).ToList();
            var offline = offlineLast.Where(o => o.Pool == pool.Name).Select(o => o.Workload).ToList();
            var targets = Targets(pool, slot, members.Count, offline);
            _pools.Add(new PoolWork(pool, i, members, targets, dwell, now, site.Policy.MinDwell));
        }
    }

    public IReadOnlyList<PoolWork> Pools => _pools;

    public IReadOnlyList<string> Explanations => _explanations;

    public int HeldByDwell { get; private set; }

    public int HeldByHysteresis => _pools.Sum(p => p.HeldByHysteresis);

    public void Run()
    {
        var slaProtected = SlaHolders((_, gpu) => gpu.Workload);
        foreach (var pool in _pools)
        {
            pool.Release(slaProtected, _explanations);
        }

        foreach (var pool in _pools)
        {
            pool.Fill();
        }

        KeepSla();
        HeldByDwell = _pools.Sum(p => p.Settle(_explanations));
    }

    /// <summary>
    /// The first SLA-minimum GPUs of each tenant across the site, longest on it first (a GPU that starts
    /// on it now comes last), then by pool and id: those its SLA rests on. Over the GPUs' current
    /// workloads it names who leaves last; over the result, who is shed last.
    /// </summary>
    public HashSet<string> SlaHolders(Func<PoolWork, GpuState, string?> workloadOf)
    {
        var holders = new HashSet<string>(StringComparer.Ordinal);
        var all = _pools.SelectMany(p => p.Members.Select(g => (Gpu: g, Workload: workloadOf(p, g), Pool: p.Index))).ToList();
        foreach (var tenant in _site.Workloads.OfType<InferenceWorkload>().Where(w => w.SlaMinGpus > 0))
        {
            holders.UnionWith(all.Where(x => x.Workload == tenant.Name)
                .OrderBy(x => _dwell.LastWorkload(x.Gpu.GpuId) == tenant.Name ? _dwell.Since(x.Gpu.GpuId) : _now)
                .ThenBy(x => x.Pool).ThenBy(x => x.Gpu.GpuId, StringComparer.Ordinal)
                .Take(tenant.SlaMinGpus).Select(x => x.Gpu.GpuId));
        }

        return holders;
    }

    /// <summary>Higher is shed later and filled first; load that is never shed ranks highest, unknown workloads lowest.</summary>
    public int Priority(string workload) => _site.Policy.KeepRank(_site.Workloads.FirstOrDefault(w => w.Name == workload));

    public static string Describe(TimeSpan span) => span switch
    {
        { TotalHours: >= 1 } when span.TotalHours % 1 == 0 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0} h"),
        { TotalMinutes: >= 1 } when span.TotalMinutes % 1 == 0 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s"),
    };

    private Dictionary<string, WorkloadTarget> Targets(GpuPool pool, PlanSlot? slot, int available, List<string?> offline)
    {
        var targets = (slot?.Allocations ?? []).Where(a => a.Pool == pool.Name && a.Gpus > 0)
            .GroupBy(a => a.Workload, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new WorkloadTarget(g.Key, Priority(g.Key),
                _site.Workloads.OfType<InferenceWorkload>().FirstOrDefault(w => w.Name == g.Key),
                g.Sum(a => a.Gpus), g.Select(a => a.Power).Aggregate((x, y) => x + y)), StringComparer.Ordinal);

        // What the plan gave an offline GPU stays with it: its workload runs on fewer GPUs, no one else's more.
        foreach (var lost in offline.OfType<string>().GroupBy(w => w, StringComparer.Ordinal))
        {
            if (targets.TryGetValue(lost.Key, out var target))
            {
                var gpus = Math.Max(0, target.Gpus - lost.Count());
                _explanations.Add($"{PoolWork.Gpus(lost.Count())} of {pool.Name} on {lost.Key} are offline: {lost.Key} runs on {gpus} "
                    + $"of its {target.Gpus} planned GPUs and their share is not moved to others");
                target.Shrink(gpus);
            }
        }

        foreach (var target in targets.Values.Where(t => t.Gpus > t.Capacity(pool)))
        {
            _explanations.Add($"{target.Name} gets {PoolWork.Gpus(target.Capacity(pool))} of {pool.Name}, not {target.Gpus}: "
                + $"its {target.Budget} holds no more at the {pool.MinPowerPerGpu} minimum");
            target.LimitTo(target.Capacity(pool));
        }

        // Offline GPUs that were idle still leave the pool short: the least protected workload gives way.
        var planned = targets.Values.Sum(t => t.Gpus);
        var excess = planned - available;
        foreach (var target in targets.Values.OrderBy(t => t.Priority).ThenBy(t => t.Name, StringComparer.Ordinal).ToList())
        {
            if (excess <= 0)
            {
                break;
            }

            var cut = Math.Min(excess, target.Gpus);
            _explanations.Add($"{pool.Name} has {available} GPUs online for a plan of {planned}: {target.Name} runs on "
                + $"{target.Gpus - cut} instead of {target.Gpus}");
            target.Shrink(target.Gpus - cut);
            excess -= cut;
        }

        return targets;
    }

    /// <summary>Where dwell or hysteresis left a tenant below its SLA although the plan gives it, they give way.</summary>
    private void KeepSla()
    {
        foreach (var tenant in _site.Workloads.OfType<InferenceWorkload>().Where(w => w.SlaMinGpus > 0))
        {
            var planned = _pools.Sum(p => p.Targets.GetValueOrDefault(tenant.Name)?.Gpus ?? 0);
            var missing = Math.Min(planned, tenant.SlaMinGpus) - _pools.Sum(p => p.Count(tenant.Name));
            foreach (var pool in _pools)
            {
                if (missing <= 0)
                {
                    break;
                }

                if (pool.Targets.GetValueOrDefault(tenant.Name) is { } target)
                {
                    missing -= pool.TakeForSla(target, missing, Priority, _explanations);
                }
            }

            if (missing > 0)
            {
                _explanations.Add($"{tenant.Name} is {PoolWork.Gpus(missing)} short of its SLA of {tenant.SlaMinGpus} GPUs although the plan gives it");
            }
        }
    }
}
