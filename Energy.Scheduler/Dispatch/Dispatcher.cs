using Energy.Contracts.Agents;
using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Dispatch;

/// <summary>
/// Turns a slot's pool-level allocations into per-GPU assignments with the fewest moves: a GPU that
/// already runs a workload keeps it while that workload still wants GPUs in its pool.
/// </summary>
public static class Dispatcher
{
    public static IReadOnlyList<GpuAssignment> Assign(
        Site site,
        PlanSlot? slot,
        IReadOnlyList<GpuState> gpus,
        DateTimeOffset validUntil,
        long epoch)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(gpus);
        var result = new List<GpuAssignment>(gpus.Count);
        foreach (var pool in site.Pools)
        {
            var members = gpus.Where(g => g.Pool == pool.Name).OrderBy(g => g.GpuId, StringComparer.Ordinal).ToList();
            var wanted = (slot?.Allocations ?? []).Where(a => a.Pool == pool.Name)
                .ToDictionary(a => a.Workload, a => (Gpus: a.Gpus, PerGpu: a.Gpus > 0 ? a.Power / a.Gpus : Power.Zero), StringComparer.Ordinal);
            var remaining = wanted.ToDictionary(w => w.Key, w => w.Value.Gpus, StringComparer.Ordinal);
            var assigned = new Dictionary<string, string?>(StringComparer.Ordinal);

            // Keep what is already right, then fill the rest in a stable order.
            foreach (var gpu in members)
            {
                if (gpu.Workload is { } w && remaining.TryGetValue(w, out var left) && left > 0)
                {
                    assigned[gpu.GpuId] = w;
                    remaining[w] = left - 1;
                }
            }

            foreach (var gpu in members.Where(g => !assigned.ContainsKey(g.GpuId)))
            {
                var next = remaining.Where(r => r.Value > 0).Select(r => r.Key).Order(StringComparer.Ordinal).FirstOrDefault();
                assigned[gpu.GpuId] = next;
                if (next is not null)
                {
                    remaining[next]--;
                }
            }

            foreach (var gpu in members)
            {
                var workload = assigned[gpu.GpuId];
                var target = workload is null ? pool.IdlePowerPerGpu : wanted[workload].PerGpu;
                result.Add(new GpuAssignment(gpu.GpuId, workload, target, validUntil, epoch));
            }
        }

        return result;
    }
}
