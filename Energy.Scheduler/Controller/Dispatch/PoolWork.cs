using Energy.Contracts.Agents;
using Energy.Contracts.Sites;

namespace Energy.Scheduler.Controller.Dispatch;

/// <summary>
/// One pool's share of a dispatch: which of its available GPUs keep their workload, which leave, and
/// where those that leave go. The steps run in the order <see cref="DispatchRound"/> calls them.
/// </summary>
internal sealed class PoolWork(
    GpuPool pool,
    int index,
    IReadOnlyList<GpuState> members,
    IReadOnlyDictionary<string, WorkloadTarget> targets,
    DwellTracker dwell,
    DateTimeOffset now,
    TimeSpan minDwell)
{
    private readonly Dictionary<string, string?> _assigned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly List<GpuState> _idle = [];
    private readonly List<Leaver> _free = [];
    private readonly List<Leaver> _locked = [];
    private readonly List<Leaver> _absorbed = [];

    public GpuPool Pool => pool;

    /// <summary>Position of the pool in the site file: orders GPUs across pools.</summary>
    public int Index => index;

    /// <summary>The pool's GPUs whose agents are online, by id.</summary>
    public IReadOnlyList<GpuState> Members => members;

    public IReadOnlyDictionary<string, WorkloadTarget> Targets => targets;

    public int HeldByHysteresis => _absorbed.Count(a => AssignedTo(a.Gpu.GpuId) == a.From);

    public string? AssignedTo(string gpuId) => _assigned.GetValueOrDefault(gpuId);

    public int Count(string workload) => _counts.GetValueOrDefault(workload);

    public int Need(WorkloadTarget target) => Math.Max(0, target.Gpus - Count(target.Name));

    /// <summary>
    /// GPUs stay on their workload up to its target. Beyond it, those that have been on it longest
    /// leave first, SLA-protected ones last; a tenant's small decrease is absorbed instead (hysteresis).
    /// </summary>
    public void Release(IReadOnlySet<string> slaProtected, ICollection<string> explanations)
    {
        foreach (var group in members.Where(g => g.Workload is not null)
            .GroupBy(g => g.Workload!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var target = targets.GetValueOrDefault(group.Key);
            var leaveOrder = group.OrderBy(g => slaProtected.Contains(g.GpuId)).ThenBy(g => dwell.Since(g.GpuId))
                .ThenBy(g => g.GpuId, StringComparer.Ordinal).ToList();
            var surplus = leaveOrder.Count - (target?.Gpus ?? 0);
            if (surplus > 0 && target?.Tenant is not null && surplus <= GpuDispatcher.GpuBand(leaveOrder.Count)
                && target.Budget / leaveOrder.Count >= pool.MinPowerPerGpu)
            {
                _absorbed.AddRange(leaveOrder.Take(surplus).Select(g => new Leaver(g, group.Key)));
                explanations.Add($"{group.Key} keeps {Gpus(leaveOrder.Count)} of {pool.Name} where the plan asks for {target.Gpus}: "
                    + $"a tenant's GPUs are not moved for a change of {Gpus(surplus)}; its {target.Budget} is spread over them");
                surplus = 0;
            }

            for (var i = 0; i < leaveOrder.Count; i++)
            {
                var gpu = leaveOrder[i];
                if (i >= surplus)
                {
                    Place(gpu, group.Key);
                }
                else
                {
                    (IsSettled(gpu) ? _free : _locked).Add(new Leaver(gpu, group.Key));
                }
            }
        }

        _idle.AddRange(members.Where(g => g.Workload is null));
    }

    /// <summary>Workloads short of their target take idle GPUs and GPUs free to move, most protected workload first.</summary>
    public void Fill()
    {
        foreach (var target in targets.Values.OrderByDescending(t => t.Priority).ThenBy(t => t.Name, StringComparer.Ordinal))
        {
            var need = Need(target);
            if (need == 0)
            {
                continue;
            }

            var candidates = _idle.Where(g => !_assigned.ContainsKey(g.GpuId)).Select(g => (Gpu: g, Rank: IdleRank(g, target.Name)))
                .Concat(_free.Where(l => !_assigned.ContainsKey(l.Gpu.GpuId)).Select(l => (l.Gpu, Rank: 3)))
                .OrderBy(c => c.Rank).ThenBy(c => dwell.Since(c.Gpu.GpuId)).ThenBy(c => c.Gpu.GpuId, StringComparer.Ordinal)
                .Take(need).ToList();
            foreach (var (gpu, _) in candidates)
            {
                Place(gpu, target.Name);
            }
        }
    }

    /// <summary>
    /// Brings a tenant towards its SLA with GPUs that dwell or hysteresis would otherwise keep elsewhere:
    /// a contract outranks thrash avoidance. Returns how many GPUs it took.
    /// </summary>
    public int TakeForSla(WorkloadTarget target, int wanted, Func<string, int> priority, ICollection<string> explanations)
    {
        var take = Math.Min(Need(target), wanted);
        if (take <= 0)
        {
            return 0;
        }

        var taken = _locked.Where(l => !_assigned.ContainsKey(l.Gpu.GpuId)).OrderBy(l => priority(l.From))
            .Concat(_absorbed.Where(a => a.From != target.Name && AssignedTo(a.Gpu.GpuId) == a.From).OrderBy(a => priority(a.From)))
            .Take(take).ToList();
        foreach (var leaver in taken)
        {
            Place(leaver.Gpu, target.Name);
        }

        foreach (var from in taken.GroupBy(l => l.From, StringComparer.Ordinal))
        {
            explanations.Add($"{Gpus(from.Count())} of {pool.Name} leave {from.Key} before their minimum dwell ({DispatchRound.Describe(minDwell)}) "
                + $"to keep {target.Name} at its SLA of {target.Tenant!.SlaMinGpus} GPUs");
        }

        return taken.Count;
    }

    /// <summary>
    /// GPUs still within their dwell stay on their workload while another workload waits for GPUs (so that
    /// they are not moved through idle), as far as its power holds them at the minimum; the rest go idle.
    /// Returns how many stayed.
    /// </summary>
    public int Settle(ICollection<string> explanations)
    {
        var waiting = targets.Values.Any(t => Need(t) > 0);
        var stayed = 0;
        foreach (var group in _locked.Where(l => !_assigned.ContainsKey(l.Gpu.GpuId))
            .GroupBy(l => l.From, StringComparer.Ordinal).ToList())
        {
            var target = targets.GetValueOrDefault(group.Key);
            var room = waiting && target is not null ? Math.Max(0, target.Capacity(pool) - Count(group.Key)) : 0;

            // The most recent ones stay: those closest to the end of their dwell may leave through idle.
            var stay = group.Reverse().Take(room).ToList();
            foreach (var leaver in stay)
            {
                Place(leaver.Gpu, group.Key);
            }

            if (stay.Count > 0)
            {
                stayed += stay.Count;
                explanations.Add($"{Gpus(stay.Count)} of {pool.Name} stay on {group.Key} for their minimum dwell ({DispatchRound.Describe(minDwell)}); "
                    + $"{group.Key}'s {target!.Budget} is spread over them");
            }

            if (waiting && target is not null && stay.Count < group.Count())
            {
                explanations.Add($"{Gpus(group.Count() - stay.Count)} of {pool.Name} leave {group.Key} for idle within their minimum dwell: "
                    + $"its {target.Budget} cannot hold more GPUs at the {pool.MinPowerPerGpu} minimum");
            }
        }

        foreach (var gpu in members.Where(g => !_assigned.ContainsKey(g.GpuId)))
        {
            Place(gpu, null);
        }

        return stayed;
    }

    internal static string Gpus(int count) => count == 1 ? "1 GPU" : $"{count} GPUs";

    private bool IsSettled(GpuState gpu) => dwell.IsSettled(gpu.GpuId, now, minDwell);

    // Idle GPUs that start without changing workload come first, then fresh ones, then those whose dwell is
    // over; GPUs just taken off another workload come last (after surplus GPUs free to move, rank 3).
    private int IdleRank(GpuState gpu, string workload) => dwell.LastWorkload(gpu.GpuId) switch
    {
        null => 1,
        var last when last == workload => 0,
        _ => IsSettled(gpu) ? 2 : 4,
    };

    private void Place(GpuState gpu, string? workload)
    {
        if (_assigned.TryGetValue(gpu.GpuId, out var before) && before is not null)
        {
            _counts[before]--;
        }

        _assigned[gpu.GpuId] = workload;
        if (workload is not null)
        {
            _counts[workload] = Count(workload) + 1;
        }
    }

    private sealed record Leaver(GpuState Gpu, string From);
}
