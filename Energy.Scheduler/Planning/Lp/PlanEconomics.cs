using Energy.Contracts.Planning;
using Energy.Contracts.Sites;

namespace Energy.Scheduler.Planning.Lp;

/// <summary>
/// What a plan earns on the model every planner shares, so planners (and backtests) compare on one
/// yardstick: compute revenue + heat sales − import cost − boiler fuel − heat shortfall penalty, plus
/// the change of the heat stored in the tanks valued at <see cref="StoredHeatValuePerMwh"/>.
/// </summary>
public static class PlanEconomics
{
    /// <summary>What a MWh left in a loop's tank is worth: the boiler heat it saves later, else the heat price.</summary>
    public static double StoredHeatValuePerMwh(HeatLoop loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        return loop.Boiler?.HeatCost.PerMegawattHour ?? loop.HeatPrice.PerMegawattHour;
    }

    public static PlanProfit Profit(PlanningInput input, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(plan);
        var site = input.Site;
        double compute = 0, heat = 0, power = 0, boiler = 0, shortfall = 0, stored = 0;
        var workloads = site.Workloads.ToDictionary(w => w.Name, StringComparer.Ordinal);
        var loops = site.HeatLoops.ToDictionary(l => l.Name, StringComparer.Ordinal);
        foreach (var slot in plan.Slots)
        {
            var hours = slot.Length.TotalHours;
            foreach (var a in slot.Allocations)
            {
                compute += workloads[a.Workload] switch
                {
                    InferenceWorkload i => i.PricePerGpuHour.Amount * a.Gpus * hours,
                    MiningWorkload m => input.MiningValuePerMwhAt(m, site.Pools.First(p => p.Name == a.Pool), (int)Math.Floor((slot.Start - input.Prices.Start) / input.Prices.SlotLength))
                        * a.Power.Megawatts * hours,
                    _ => 0,
                };
            }

            power += slot.ImportCost.PerMegawattHour * slot.GridImport.Megawatts * hours;
            foreach (var h in slot.Heat)
            {
                var loop = loops[h.Loop];
                heat += loop.HeatPrice.PerMegawattHour * h.ToConsumer.Megawatts * hours;
                boiler += (loop.Boiler?.HeatCost.PerMegawattHour ?? 0) * h.Boiler.Megawatts * hours;
                shortfall += loop.Consumer.ShortfallPenalty.PerMegawattHour * h.Shortfall.Megawatts * hours;
            }
        }

        if (plan.Slots.Count > 0)
        {
            foreach (var h in plan.Slots[^1].Heat)
            {
                var loop = loops[h.Loop];
                if (loop.Storage is { } tank)
                {
                    var start = (input.Stored.TryGetValue(loop.Name, out var s) ? s : tank.Initial).Clamp(Contracts.Units.EnergyAmount.Zero, tank.Capacity);
                    stored += StoredHeatValuePerMwh(loop) * (h.StoredAtEnd - start).MegawattHours;
                }
            }
        }

        return new PlanProfit(compute, heat, power, boiler, shortfall, stored);
    }
}

/// <summary>A plan's economics in the site currency; <see cref="Total"/> is what planners compete on.</summary>
public sealed record PlanProfit(double Compute, double HeatSales, double PowerCost, double BoilerFuel, double ShortfallPenalty, double StoredHeatChange)
{
    public double Total => Compute + HeatSales - PowerCost - BoilerFuel - ShortfallPenalty + StoredHeatChange;
}
