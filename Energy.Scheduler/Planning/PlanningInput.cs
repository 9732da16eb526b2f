using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Planning;

/// <summary>What a planner may know when it plans: the site, the time, prices and forecasts from now on.</summary>
/// <param name="Now">The instant the plan is made; the first slot is the one containing it.</param>
/// <param name="Prices">Known day-ahead prices; the plan covers their slots.</param>
/// <param name="HeatDemand">Forecast heat demand per loop name, one value per price slot.</param>
/// <param name="Stored">Energy in each loop's tank now, by loop name.</param>
public sealed record PlanningInput(
    Site Site,
    DateTimeOffset Now,
    PriceCurve Prices,
    IReadOnlyDictionary<string, IReadOnlyList<Power>> HeatDemand,
    IReadOnlyDictionary<string, EnergyAmount> Stored);
