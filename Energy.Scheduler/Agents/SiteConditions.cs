using Energy.Scheduler.Planning;

namespace Energy.Scheduler.Agents;

/// <summary>The planner's view of the controller's state: curtailments in force and GPUs whose agent is offline.</summary>
public sealed class SiteConditions(GridLimit limit, Fleet fleet) : IPlanningConditionsSource
{
    public PlanningConditions Current(DateTimeOffset now)
    {
        var windows = limit.Active(now)
            .Where(c => c.Cap < limit.ContractCap)
            .Select(c => new CapWindow(c.From, c.Until, c.Cap, string.IsNullOrWhiteSpace(c.Reason) ? $"curtailment {c.Id}" : $"curtailment {c.Id} ({c.Reason})"))
            .ToList();
        var offline = fleet.OfflineGpus(now);
        return windows.Count == 0 && offline.Count == 0 ? PlanningConditions.None : new PlanningConditions(windows, offline);
    }
}
