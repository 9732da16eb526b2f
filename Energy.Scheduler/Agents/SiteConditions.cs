using System.Globalization;
using Energy.Contracts.Sites;
using Energy.Scheduler.Planning;

namespace Energy.Scheduler.Agents;

/// <summary>
/// The planner's view of the controller's state: curtailments in force, GPUs whose agent is offline, and
/// the pools of heat loops held off work for over-temperature (<paramref name="hotLoops"/>, from the control loop).
/// </summary>
public sealed class SiteConditions(Site site, GridLimit limit, Fleet fleet, Func<IReadOnlyList<string>>? hotLoops = null) : IPlanningConditionsSource
{
    /// <summary>How long an offline agent must have been silent before its GPUs are planned around.</summary>
    public static readonly TimeSpan PlanAroundAfter = TimeSpan.FromSeconds(15);

    public PlanningConditions Current(DateTimeOffset now)
    {
        var windows = limit.Active(now)
            .Where(c => c.Cap < limit.ContractCap)
            .Select(c => new CapWindow(c.From, c.Until, c.Cap, string.IsNullOrWhiteSpace(c.Reason) ? $"curtailment {c.Id}" : $"curtailment {c.Id} ({c.Reason})"))
            .ToList();
        var unavailable = fleet.OfflineGpus(now, PlanAroundAfter).ToList();
        var hot = hotLoops?.Invoke() ?? [];
        foreach (var loop in site.HeatLoops.Where(l => hot.Contains(l.Name, StringComparer.Ordinal)))
        {
            var why = string.Create(CultureInfo.InvariantCulture, $"{loop.Name} coolant above its {loop.MaxCoolantTemperature?.Celsius:0} °C limit");
            unavailable.AddRange(site.Pools.Where(p => p.HeatLoop == loop.Name).Select(p => new UnavailableGpus(p.Name, p.Count, why)));
        }

        return windows.Count == 0 && unavailable.Count == 0 ? PlanningConditions.None : new PlanningConditions(windows, unavailable);
    }
}
