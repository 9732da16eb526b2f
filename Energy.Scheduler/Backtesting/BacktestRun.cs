namespace Energy.Scheduler.Backtesting;

/// <summary>One strategy's slots over the backtest period, with totals.</summary>
public sealed record BacktestRun(string Name, TimeSpan SlotLength, IReadOnlyList<SlotOutcome> Slots)
{
    /// <summary>The slots' profit plus <see cref="StoredHeatChange"/>: every strategy is settled with the tanks as it leaves them.</summary>
    public double Profit => SlotProfit + StoredHeatChange;

    /// <summary>The sum of the slots' profits.</summary>
    public double SlotProfit => Slots.Sum(s => s.Profit);

    /// <summary>Heat left in the tanks at the end minus at the start, valued at what it saves later (the boiler's heat cost; site currency).</summary>
    public double StoredHeatChange { get; init; }

    public int CapViolations => Slots.Count(s => s.CapExceeded);

    public double UnmetHeatKwh => Sum(s => s.ShortfallKw);

    public double HeatDeliveredKwh => Sum(s => s.HeatDeliveredKw);

    public double HeatFromGpusKwh => Sum(s => s.HeatFromGpusKw);

    public double BoilerKwh => Sum(s => s.BoilerKw);

    public double EnergyImportedKwh => Sum(s => s.GridImportKw);

    private double Sum(Func<SlotOutcome, double> kw) => Slots.Sum(kw) * SlotLength.TotalHours;
}
