using Energy.Contracts.Agents;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Dispatch;

/// <summary>
/// Keeps the sum of commanded GPU power (with cooling and base load) under the grid cap at every
/// step: decreases go out first, and an increase goes out only while the total with it stays under
/// the cap, counting each GPU at the higher of its target and what it still draws and within the ramp allowance. Held-back increases go out on a later tick, once the
/// decreases have been applied.
/// </summary>
public static class CapGuard
{
    public static (IReadOnlyList<GpuAssignment> Now, int HeldBack) Order(
        Site site,
        IReadOnlyList<GpuAssignment> wanted,
        IReadOnlyList<GpuState> current,
        Power? maxIncrease = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(current);
        var overhead = site.Pools.ToDictionary(p => p.Name, p => 1 + p.CoolingOverhead, StringComparer.Ordinal);
        var byId = current.ToDictionary(g => g.GpuId, StringComparer.Ordinal);
        var poolOf = current.ToDictionary(g => g.GpuId, g => g.Pool, StringComparer.Ordinal);
        // A GPU still above its new, lower target counts at what it draws until it has got there.
        var commanded = current.ToDictionary(g => g.GpuId, g => Power.Max(g.PowerTarget, g.Power), StringComparer.Ordinal);
        var drawing = current.ToDictionary(g => g.GpuId, g => g.Power, StringComparer.Ordinal);
        double Grid(string gpu, Power p) => p.Watts * overhead[poolOf[gpu]];

        // What the GPU will really be asked to hold: agents clamp work to the GPU's range, idle is idle power.
        Power Effective(GpuAssignment a)
        {
            var pool = site.Pool(poolOf[a.GpuId]);
            return a.Workload is null ? pool.IdlePowerPerGpu : a.PowerTarget.Clamp(pool.MinPowerPerGpu, pool.MaxPowerPerGpu);
        }

        var total = site.Grid.BaseLoad.Watts + commanded.Sum(c => Grid(c.Key, c.Value));
        var now = new List<GpuAssignment>(wanted.Count);
        var increases = new List<GpuAssignment>();
        foreach (var a in wanted.Where(a => poolOf.ContainsKey(a.GpuId)))
        {
            var before = commanded[a.GpuId];
            if (Effective(a) <= before)
            {
                // The power falls over the next fraction of a second: until then the GPU still draws what it draws.
                now.Add(a);
                total -= Grid(a.GpuId, before) - Grid(a.GpuId, Power.Max(Effective(a), drawing[a.GpuId]));
            }
            else
            {
                increases.Add(a);
            }
        }

        var cap = site.Grid.ImportCap.Watts;
        var rampLeft = maxIncrease?.Watts ?? double.PositiveInfinity;
        var held = 0;
        foreach (var a in increases)
        {
            var delta = Grid(a.GpuId, Effective(a)) - Grid(a.GpuId, commanded[a.GpuId]);
            if (total + delta <= cap && delta <= rampLeft)
            {
                now.Add(a);
                total += delta;
                rampLeft -= delta;
            }
            else
            {
                // Not yet: the GPU keeps what it has, renewed so that its dead-man does not fire meanwhile.
                var gpu = byId[a.GpuId];
                now.Add(a with { Workload = gpu.Workload, PowerTarget = gpu.PowerTarget, Shed = ShedOf(site, gpu.Workload, a) });
                held++;
            }
        }

        return (now, held);
    }

    /// <summary>The shed step of what a held GPU keeps running: the wanted one if it is the same work, else by the work's kind (inference as above SLA).</summary>
    private static Contracts.Policy.ShedStep? ShedOf(Site site, string? workload, GpuAssignment wanted)
    {
        if (workload is null)
        {
            return null;
        }

        if (workload == wanted.Workload)
        {
            return wanted.Shed;
        }

        return site.Workloads.FirstOrDefault(w => w.Name == workload)?.Kind switch
        {
            WorkloadKind.Mining => Contracts.Policy.ShedStep.Mining,
            WorkloadKind.Heater => Contracts.Policy.ShedStep.Heater,
            WorkloadKind.Inference => Contracts.Policy.ShedStep.InferenceAboveSla,
            _ => null,
        };
    }
}
