using System.Globalization;
using Energy.Contracts.Sites;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Planning;

namespace Energy.Scheduler.Controller;

/// <summary>
/// The planner's view of the controller's state: curtailments in force, GPUs whose agent is offline, the
/// pools of heat loops held off work for over-temperature and the base load the site meter shows (both
/// from the control loop, through <see cref="ControlState"/>), and the meter's cap margin.
/// </summary>
public sealed class SiteConditions(Site site, GridLimit limit, Fleet fleet, ControlState? control = null) : IPlanningConditionsSource
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
        var hot = control?.HotLoops ?? [];
        foreach (var loop in site.HeatLoops.Where(l => hot.Contains(l.Name, StringComparer.Ordinal)))
        {
            var why = string.Create(CultureInfo.InvariantCulture, $"{loop.Name} coolant above its {loop.MaxCoolantTemperature?.Celsius:0} °C limit");
            unavailable.AddRange(site.Pools.Where(p => p.HeatLoop == loop.Name).Select(p => new UnavailableGpus(p.Name, p.Count, why)));
        }

        var measured = control?.BaseLoad is { Basis: not CapBasis.Model } b ? b : null;
        var margin = site.Grid.Meter?.CapMargin ?? 0;
        if (windows.Count == 0 && unavailable.Count == 0 && measured is null && margin == 0)
        {
            return PlanningConditions.None;
        }

        return new PlanningConditions(windows, unavailable)
        {
            BaseLoad = measured?.BaseLoad,
            BaseLoadWhy = measured?.Basis == CapBasis.MeterLost ? "assumed while the site meter is lost" : "measured by the site meter",
            CapMargin = margin,
        };
    }
}
