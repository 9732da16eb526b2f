using Energy.Contracts.Units;

namespace Energy.Scheduler.Backtesting;

/// <summary>
/// What actually happened, one value per price slot: spot prices in the site's currency, total heat
/// demand and (optionally) outdoor temperature. The engine reads it only through the
/// <see cref="Forecaster"/> (what was knowable) or as the reality a plan is executed against.
/// </summary>
/// <param name="Start">UTC start of the first slot.</param>
/// <param name="SlotLength">The price file's resolution.</param>
/// <param name="Currency">The site's currency; prices are already converted to it.</param>
/// <param name="SpotPerMwh">Day-ahead price of each slot.</param>
/// <param name="HeatDemandKw">Heat demand of each slot (all loops together).</param>
/// <param name="TemperatureC">Outdoor temperature of each slot, when given.</param>
/// <param name="Notes">How the series were made (alignment, gaps filled, currency conversion), for the report.</param>
public sealed record BacktestSeries(
    DateTimeOffset Start,
    TimeSpan SlotLength,
    Currency Currency,
    double[] SpotPerMwh,
    double[] HeatDemandKw,
    double[]? TemperatureC,
    IReadOnlyList<string> Notes)
{
    public int Count => SpotPerMwh.Length;

    public DateTimeOffset End => SlotStart(Count);

    public DateTimeOffset SlotStart(int index) => Start + (SlotLength * index);

    /// <summary>The index of the slot containing an instant (may be outside 0..Count).</summary>
    public int IndexOf(DateTimeOffset instant) => (int)Math.Floor((instant - Start) / SlotLength);

    /// <summary>Slots per 24 hours.</summary>
    public int SlotsPerDay => (int)(TimeSpan.FromDays(1) / SlotLength);

    /// <summary>
    /// What a MWh of GPU energy spent mining earned in each slot, by (workload, pool) name (site currency);
    /// empty where every mining workload is valued at its constant.
    /// </summary>
    public IReadOnlyDictionary<(string Workload, string Pool), double[]> MiningValuePerMwh { get; init; } =
        new Dictionary<(string Workload, string Pool), double[]>();

    /// <summary>What a MWh of GPU energy spent on <paramref name="workload"/> on <paramref name="pool"/> earned in slot <paramref name="index"/>.</summary>
    public double MiningValueAt(Energy.Contracts.Sites.MiningWorkload workload, Energy.Contracts.Sites.GpuPool pool, int index)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(pool);
        return MiningValuePerMwh.TryGetValue((workload.Name, pool.Name), out var values) && index >= 0 && index < values.Length
            ? values[index]
            : workload.ValuePerMwh.PerMegawattHour;
    }

    /// <summary>Heat-series facts for the JSON: alignment method and gap counts.</summary>
    public HeatSeriesFacts HeatFacts { get; init; } = new("given per slot", 0, 0, 0);
}
