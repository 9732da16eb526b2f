using System.Globalization;
using Energy.Contracts.Agents;
using Energy.Contracts.Policy;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Controller.Dispatch;

/// <summary>
/// Fits the wanted assignments under the import the site must stay below when they do not fit (a
/// curtailment, more load HeatGrid does not control than the plan assumed): GPUs go idle in the
/// operator's shed order (mining, heater, inference above SLA, and SLA inference only where policy
/// lists it), largest first, until the site fits. What cannot be shed is said in words. The fleet
/// sequencer calls it every tick; pure.
/// </summary>
public static class CapShedder
{
    /// <param name="holdBelow">The import to stay under.</param>
    /// <param name="fixedLoad">Grid power that is not in <paramref name="wanted"/>: the base load and GPUs that take no command.</param>
    /// <param name="commandable">GPUs of <paramref name="wanted"/> that can be commanded; the others are left as they are and not counted.</param>
    /// <param name="gridOf">Grid power of an assignment: what the GPU will hold, with its cooling.</param>
    /// <param name="idle">The assignment that sheds a GPU: idle at its idle power.</param>
    /// <param name="why">What the limit is, for the explanation.</param>
    public static IReadOnlyList<GpuAssignment> Fit(IReadOnlyList<ShedStep> shedOrder, Power holdBelow, Power fixedLoad, IReadOnlyList<GpuAssignment> wanted,
        IReadOnlySet<string> commandable, Func<GpuAssignment, Power> gridOf, Func<GpuAssignment, GpuAssignment> idle, string why, List<string> explanations)
    {
        ArgumentNullException.ThrowIfNull(shedOrder);
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(commandable);
        ArgumentNullException.ThrowIfNull(gridOf);
        ArgumentNullException.ThrowIfNull(idle);
        ArgumentNullException.ThrowIfNull(explanations);
        var known = wanted.Where(a => commandable.Contains(a.GpuId)).ToList();
        var total = fixedLoad.Watts + known.Sum(a => gridOf(a).Watts);
        var cap = holdBelow.Watts;
        if (total <= cap)
        {
            return wanted;
        }

        var result = wanted.ToDictionary(a => a.GpuId, StringComparer.Ordinal);
        var shed = 0;
        var shedW = 0.0;
        foreach (var step in shedOrder)
        {
            foreach (var a in known.Where(a => a.Workload is not null && a.Shed == step).OrderByDescending(a => gridOf(a).Watts)
                .ThenBy(a => a.GpuId, StringComparer.Ordinal))
            {
                if (total <= cap)
                {
                    break;
                }

                var off = idle(a);
                var saved = gridOf(a).Watts - gridOf(off).Watts;
                result[a.GpuId] = off;
                total -= saved;
                shedW += saved;
                shed++;
            }
        }

        if (shed > 0)
        {
            explanations.Add(string.Create(CultureInfo.InvariantCulture,
                $"holding the site under {cap / 1000:0.#} kW ({why}): {shed} GPUs shed in the shed order ({shedW / 1000:F1} kW)"));
        }

        if (total > cap)
        {
            explanations.Add(string.Create(CultureInfo.InvariantCulture,
                $"holding the site under {cap / 1000:0.#} kW ({why}) is not possible: work the policy forbids shedding keeps it at {total / 1000:F1} kW; increases stay held, nothing more is shed"));
        }

        return [.. wanted.Select(a => result[a.GpuId])];
    }
}
