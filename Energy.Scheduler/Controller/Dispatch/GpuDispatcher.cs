using Energy.Contracts.Agents;
using Energy.Contracts.Planning;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Controller.Dispatch;

/// <summary>
/// Turns a slot's pool-level allocations into per-GPU assignments with the fewest moves, and
/// remembers what each GPU ran so that no GPU switches workloads within the policy's minimum dwell.
/// GPUs keep their workload while it still wants GPUs in their pool; when it shrinks, those on it
/// longest leave first, its SLA GPUs last; a tenant's small decrease and a small change of power
/// are absorbed (hysteresis); GPUs kept beyond the plan share the workload's planned power.
/// Going idle never waits, and a tenant's SLA outranks dwell. One instance per controller; not
/// thread-safe (the control loop calls it once a tick). With a <see cref="Energy.Scheduler.Policy.PolicyState"/>, dwell and the
/// shed order are those of the policy in force at each call.
/// </summary>
public sealed class GpuDispatcher(Site site, Energy.Scheduler.Policy.PolicyState? policy = null)
{
    private static readonly HashSet<string> NoGpus = new(StringComparer.Ordinal);
    private readonly Site _site = site ?? throw new ArgumentNullException(nameof(site));
    private readonly DwellTracker _dwell = new();
    private readonly Dictionary<string, (string Pool, string? Workload)> _lastSent = new(StringComparer.Ordinal);

    /// <summary>GPUs moved between workloads since this dispatcher started.</summary>
    public long Moves { get; private set; }

    /// <summary>What the last call did.</summary>
    public DispatchSummary LastCall { get; private set; } = DispatchSummary.None;

    /// <summary>Why the last call kept, moved, idled or left out GPUs, in the operator's words.</summary>
    public IReadOnlyList<string> Explanations => LastCall.Explanations;

    /// <summary>A tenant's GPU-count decrease in a pool of at most this many is absorbed: max(1, ⌈2 % of its GPUs there⌉).</summary>
    public static int GpuBand(int currentGpus) => Math.Max(1, (int)Math.Ceiling(0.02 * currentGpus));

    /// <summary>A power target closer than this to the GPU's current one keeps the current one: max(5 W, 1 % of the pool's maximum).</summary>
    public static Power PowerDeadband(GpuPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return Power.Max(Power.FromWatts(5), pool.MaxPowerPerGpu * 0.01);
    }

    /// <param name="slot">The plan's slot for now; null sends every GPU idle.</param>
    /// <param name="gpus">The GPUs as their agents last reported them.</param>
    /// <param name="unavailable">GPUs whose agent is offline: they get no assignment.</param>
    /// <returns>One assignment per online GPU of the site's pools.</returns>
    public IReadOnlyList<GpuAssignment> Assign(
        PlanSlot? slot,
        IReadOnlyList<GpuState> gpus,
        DateTimeOffset now,
        DateTimeOffset validUntil,
        long epoch,
        IReadOnlySet<string>? unavailable = null)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        var offlineIds = unavailable ?? NoGpus;
        var online = gpus.Where(g => !offlineIds.Contains(g.GpuId)).ToList();
        foreach (var gpu in online)
        {
            _dwell.Observe(gpu, now);
        }

        var reported = gpus.Where(g => offlineIds.Contains(g.GpuId)).DistinctBy(g => g.GpuId).ToDictionary(g => g.GpuId, g => (g.Pool, g.Workload), StringComparer.Ordinal);
        var offline = offlineIds.Select(id => reported.TryGetValue(id, out var r) ? r : _lastSent.GetValueOrDefault(id))
            .Where(o => o.Pool is not null).ToList();

        var round = new DispatchRound(policy?.Site ?? _site, slot, online, offline, _dwell, now);
        round.Run();
        var sla = round.SlaHolders((pool, gpu) => pool.AssignedTo(gpu.GpuId));

        var result = new List<GpuAssignment>(online.Count);
        var moves = new Dictionary<(string Pool, string From, string To), int>();
        int started = 0, stopped = 0;
        foreach (var pool in round.Pools)
        {
            var perGpu = pool.Targets.Values.Where(t => pool.Count(t.Name) > 0)
                .ToDictionary(t => t.Name, t => pool.Pool.Range.Holds(t.Name, t.Budget / pool.Count(t.Name)), StringComparer.Ordinal);
            foreach (var gpu in pool.Members)
            {
                var workload = pool.AssignedTo(gpu.GpuId);
                var last = _dwell.LastWorkload(gpu.GpuId);
                if (workload is not null && last is not null && last != workload && !_dwell.IsPending(gpu.GpuId, workload))
                {
                    moves[(pool.Pool.Name, last, workload)] = moves.GetValueOrDefault((pool.Pool.Name, last, workload)) + 1;
                }

                started += gpu.Workload is null && workload is not null ? 1 : 0;
                stopped += gpu.Workload is not null && workload is null ? 1 : 0;
                var target = workload is null ? pool.Pool.IdlePowerPerGpu : Hold(pool.Pool, gpu, workload, perGpu[workload]);
                result.Add(new GpuAssignment(gpu.GpuId, workload, target, validUntil, epoch) { Shed = Shed(workload, gpu.GpuId, sla) });
                _dwell.Sent(gpu.GpuId, workload, now);
                _lastSent[gpu.GpuId] = (pool.Pool.Name, workload);
            }
        }

        var explanations = round.Explanations.ToList();
        explanations.AddRange(moves.OrderBy(m => m.Key.Pool, StringComparer.Ordinal).ThenBy(m => m.Key.From, StringComparer.Ordinal)
            .ThenBy(m => m.Key.To, StringComparer.Ordinal)
            .Select(m => $"{PoolWork.Gpus(m.Value)} of {m.Key.Pool} move from {m.Key.From} to {m.Key.To}"));
        if (slot is null && online.Count > 0)
        {
            explanations.Add($"no plan covers now: all {PoolWork.Gpus(result.Count)} go idle");
        }

        var moved = moves.Values.Sum();
        Moves += moved;
        LastCall = new DispatchSummary(moved, started, stopped, round.HeldByDwell, round.HeldByHysteresis, offline.Count, explanations);
        return result;
    }

    // A target within the deadband of what the GPU already holds on the same work is left alone.
    private static Power Hold(GpuPool pool, GpuState gpu, string workload, Power wanted)
    {
        var current = gpu.PowerTarget;
        var same = gpu.Workload == workload && current >= pool.MinPowerPerGpu && current <= pool.MaxPowerPerGpu;
        return same && Math.Abs((wanted - current).Watts) < PowerDeadband(pool).Watts ? current : wanted;
    }

    private ShedStep? Shed(string? workload, string gpuId, HashSet<string> sla) =>
        workload is null ? null : ShedSteps.Of(_site.Workloads.FirstOrDefault(w => w.Name == workload), withinSla: sla.Contains(gpuId));
}
