using System.Globalization;
using Energy.Contracts.Agents;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Dispatch;

/// <summary>
/// Fits the wanted assignments under the cap in force when it is lower than the plan assumed (a
/// curtailment, an over-temperature): GPUs go idle in the operator's shed order (mining, heater,
/// inference above SLA, and SLA inference only where policy lists it), largest first, until the site
/// fits. What cannot be shed is said in words.
/// </summary>
public static class CapShedder
{
    public static IReadOnlyList<GpuAssignment> Fit(Site site, Power cap, IReadOnlyList<GpuAssignment> wanted,
        IReadOnlyDictionary<string, string> poolOf, List<string> explanations)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(poolOf);
        ArgumentNullException.ThrowIfNull(explanations);
        double Grid(GpuAssignment a)
        {
            var pool = site.Pool(poolOf[a.GpuId]);
            var w = a.Workload is null ? pool.IdlePowerPerGpu.Watts : a.PowerTarget.Clamp(pool.MinPowerPerGpu, pool.MaxPowerPerGpu).Watts;
            return w * (1 + pool.CoolingOverhead);
        }

        var known = wanted.Where(a => poolOf.ContainsKey(a.GpuId)).ToList();
        var total = site.Grid.BaseLoad.Watts + known.Sum(Grid);
        if (total <= cap.Watts)
        {
            return wanted;
        }

        var result = wanted.ToDictionary(a => a.GpuId, StringComparer.Ordinal);
        var shed = 0;
        var shedW = 0.0;
        foreach (var step in site.Policy.ShedOrder)
        {
            foreach (var a in known.Where(a => a.Workload is not null && a.Shed == step).OrderByDescending(Grid).ThenBy(a => a.GpuId, StringComparer.Ordinal))
            {
                if (total <= cap.Watts)
                {
                    break;
                }

                var idle = a with { Workload = null, PowerTarget = site.Pool(poolOf[a.GpuId]).IdlePowerPerGpu, Shed = null };
                var saved = Grid(a) - Grid(idle);
                result[a.GpuId] = idle;
                total -= saved;
                shedW += saved;
                shed++;
            }
        }

        if (shed > 0)
        {
            explanations.Add(string.Create(CultureInfo.InvariantCulture,
                $"the cap in force ({cap.Kilowatts:F0} kW) is below the plan: {shed} GPUs shed in the shed order ({shedW / 1000:F1} kW)"));
        }

        if (total > cap.Watts)
        {
            explanations.Add(string.Create(CultureInfo.InvariantCulture,
                $"the cap in force ({cap.Kilowatts:F0} kW) is below what the work policy forbids shedding needs ({total / 1000:F1} kW): increases stay held, nothing more is shed"));
        }

        return [.. wanted.Select(a => result[a.GpuId])];
    }
}
