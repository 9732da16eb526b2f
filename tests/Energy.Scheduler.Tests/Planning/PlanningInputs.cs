using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning;

namespace Energy.Scheduler.Tests.Planning;

internal static class PlanningInputs
{
    public static readonly DateTimeOffset Start = new(2024, 1, 15, 0, 0, 0, TimeSpan.Zero);

    public static PlanningInput Hourly(Site site, double[] pricesPerMwh, double heatDemandKw, DateTimeOffset? start = null, TimeSpan? slot = null)
    {
        var t0 = start ?? Start;
        var length = slot ?? TimeSpan.FromHours(1);
        var curve = new PriceCurve(t0, length, pricesPerMwh.Select(p => EnergyPrice.PerMwh(p, site.Currency)).ToList());
        var demand = site.HeatLoops.ToDictionary(
            l => l.Name,
            l => (IReadOnlyList<Power>)Enumerable.Repeat(Power.FromKilowatts(heatDemandKw), pricesPerMwh.Length).ToList());
        var stored = site.HeatLoops.ToDictionary(l => l.Name, l => l.Storage?.Initial ?? EnergyAmount.Zero);
        return new PlanningInput(site, t0, curve, demand, stored);
    }
}
