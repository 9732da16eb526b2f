using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Planning;

/// <summary>What a planner may know when it plans: the site, the time, prices and forecasts from now on.</summary>
/// <param name="Now">The instant the plan is made; the first slot is the one containing it.</param>
/// <param name="Prices">Known day-ahead prices; the plan covers their slots.</param>
/// <param name="HeatDemand">Forecast heat demand per loop name, one value per price slot.</param>
/// <param name="Stored">Energy in each loop's tank now, by loop name.</param>
/// <param name="Conditions">Curtailments in force (a lower cap for the slots they touch); none when null.
/// GPUs planned around are already out of <paramref name="Site"/>'s pools.</param>
public sealed record PlanningInput(
    Site Site,
    DateTimeOffset Now,
    PriceCurve Prices,
    IReadOnlyDictionary<string, IReadOnlyList<Power>> HeatDemand,
    IReadOnlyDictionary<string, EnergyAmount> Stored,
    PlanningConditions? Conditions = null)
{
    /// <summary>
    /// GPUs each inference workload is expected to want, by workload name, one value per price slot
    /// (<see cref="Forecasting.TenantDemandForecast"/>); where absent (the backtest), the contract's hourly profile.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>>? TenantDemand { get; init; }

    /// <summary>
    /// What a MWh of GPU energy spent on a mining workload earns on a pool, by (workload, pool) name, one
    /// value per price slot (site currency): from a hashprice series × the pool's hash rate, or a ticket's
    /// price. Where absent, the workload's constant <see cref="MiningWorkload.ValuePerMwh"/>.
    /// </summary>
    public IReadOnlyDictionary<(string Workload, string Pool), IReadOnlyList<double>>? MiningValue { get; init; }

    /// <summary>What a MWh of GPU energy spent on <paramref name="workload"/> on <paramref name="pool"/> earns in price slot <paramref name="index"/>.</summary>
    public double MiningValuePerMwhAt(MiningWorkload workload, GpuPool pool, int index)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(pool);
        return MiningValue is not null && MiningValue.TryGetValue((workload.Name, pool.Name), out var values) && index >= 0 && index < values.Count
            ? values[index]
            : workload.ValuePerMwh.PerMegawattHour;
    }

    /// <summary>GPUs <paramref name="workload"/> wants in price slot <paramref name="index"/>.</summary>
    public int TenantDemandAt(InferenceWorkload workload, int index)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return TenantDemand is not null && TenantDemand.TryGetValue(workload.Name, out var gpus) && index >= 0 && index < gpus.Count
            ? gpus[index]
            : workload.DemandAt(Prices.SlotStart(index), Site.TimeZone);
    }

    /// <summary>The import cap of price slot <paramref name="index"/>: the contract's, or a curtailment's lower one.</summary>
    public Power ImportCapAt(int index)
    {
        var start = Prices.SlotStart(index);
        return Conditions?.CapFor(Site.Grid.ImportCap, start, start + Prices.SlotLength) ?? Site.Grid.ImportCap;
    }

    /// <summary>The site as slot <paramref name="index"/> is planned: with that slot's import cap.</summary>
    public Site SiteAt(int index)
    {
        var cap = ImportCapAt(index);
        return cap == Site.Grid.ImportCap ? Site : Site with { Grid = Site.Grid with { ImportCap = cap } };
    }
}
