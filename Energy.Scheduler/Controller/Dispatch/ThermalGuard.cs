using System.Globalization;
using Energy.Contracts.Agents;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Controller.Dispatch;

/// <summary>
/// Over-temperature of a heat loop: when the coolant the GPUs see is above the loop's limit, every GPU on
/// that loop is taken off its work (idle) until the coolant is 3 K below the limit again. The work moves to
/// idle GPUs of air-cooled pools where it may run (mining and inference; the heater's only point is the
/// heat, so it is not moved), as much as their GPUs hold; the rest is curtailed. The cap guard after
/// this step still decides what may go up, so a move never breaks the cap.
/// </summary>
public sealed class ThermalGuard(Site site)
{
    public static readonly double ResumeBelowKelvin = 3;

    private readonly HashSet<string> _hot = new(StringComparer.Ordinal);

    /// <summary>Loops currently held off for over-temperature.</summary>
    public IReadOnlyCollection<string> HotLoops => _hot;

    /// <param name="coolantCelsius">The latest good coolant temperature per loop; a loop without one keeps its state.</param>
    public IReadOnlyList<GpuAssignment> Apply(IReadOnlyList<GpuAssignment> wanted, IReadOnlyList<GpuState> gpus,
        Func<HeatLoop, double?> coolantCelsius, List<string> explanations)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(gpus);
        ArgumentNullException.ThrowIfNull(coolantCelsius);
        ArgumentNullException.ThrowIfNull(explanations);
        foreach (var loop in site.HeatLoops.Where(l => l.MaxCoolantTemperature is not null))
        {
            var max = loop.MaxCoolantTemperature!.Value.Celsius;
            if (coolantCelsius(loop) is not { } t)
            {
                continue;
            }

            if (t > max && _hot.Add(loop.Name))
            {
                explanations.Add(string.Create(CultureInfo.InvariantCulture, $"{loop.Name} coolant at {t:F1} °C is above its {max:F0} °C limit: its GPUs are taken off work"));
            }
            else if (t < max - ResumeBelowKelvin)
            {
                _hot.Remove(loop.Name);
            }
        }

        if (_hot.Count == 0)
        {
            return wanted;
        }

        var poolOf = gpus.ToDictionary(g => g.GpuId, g => g.Pool, StringComparer.Ordinal);
        var hotPools = site.Pools.Where(p => p.HeatLoop is { } l && _hot.Contains(l)).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var result = wanted.ToList();
        var removed = new Dictionary<string, (double Watts, ShedStep? Shed)>(StringComparer.Ordinal);
        var idled = 0;
        for (var i = 0; i < result.Count; i++)
        {
            var a = result[i];
            if (a.Workload is null || !poolOf.TryGetValue(a.GpuId, out var poolName) || !hotPools.Contains(poolName))
            {
                continue;
            }

            var pool = site.Pool(poolName);
            var w = pool.Range.Holds(a.Workload, a.PowerTarget).Watts;
            removed[a.Workload] = (removed.GetValueOrDefault(a.Workload).Watts + w, a.Shed);
            result[i] = a with { Workload = null, PowerTarget = pool.IdlePowerPerGpu, Shed = null };
            idled++;
        }

        var moved = new List<string>();
        foreach (var (name, (watts, shed)) in removed)
        {
            var workload = site.Workloads.FirstOrDefault(w => w.Name == name);
            if (workload is null or HeaterWorkload)
            {
                continue;
            }

            var left = watts;
            var count = 0;
            for (var i = 0; i < result.Count && left > 0; i++)
            {
                var a = result[i];
                if (a.Workload is not null || !poolOf.TryGetValue(a.GpuId, out var poolName) || hotPools.Contains(poolName))
                {
                    continue;
                }

                var pool = site.Pool(poolName);
                if (pool.HeatLoop is not null || !workload.MayRunOn(pool))
                {
                    continue;
                }

                var w = Math.Min(left, pool.MaxPowerPerGpu.Watts);
                if (w < pool.MinPowerPerGpu.Watts)
                {
                    break;
                }

                result[i] = a with { Workload = name, PowerTarget = Power.FromWatts(w), Shed = shed };
                left -= w;
                count++;
            }

            if (count > 0)
            {
                moved.Add(string.Create(CultureInfo.InvariantCulture, $"{name} to {count} air-cooled GPUs ({(watts - left) / 1000:F1} of {watts / 1000:F1} kW)"));
            }
        }

        var outcome = moved.Count > 0 ? "moved " + string.Join(", ", moved) : "nothing could move: curtailed";
        explanations.Add(string.Create(CultureInfo.InvariantCulture,
            $"over-temperature on {string.Join(", ", _hot.Order(StringComparer.Ordinal))}: {idled} GPUs idled; {outcome}"));
        return result;
    }
}
