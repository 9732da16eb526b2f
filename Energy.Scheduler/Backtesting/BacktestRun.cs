namespace Energy.Scheduler.Backtesting;

/// <summary>One strategy's slots over the backtest period, with totals.</summary>
public sealed record BacktestRun(string Name, TimeSpan SlotLength, IReadOnlyList<SlotOutcome> Slots)
{
    public double Profit => Slots.Sum(s => s.Profit);

    public int CapViolations => Slots.Count(s => s.CapExceeded);

    public double UnmetHeatKwh => Sum(s => s.ShortfallKw);

    public double HeatDeliveredKwh => Sum(s => s.HeatDeliveredKw);

    public double HeatFromGpusKwh => Sum(s => s.HeatFromGpusKw);

    public double BoilerKwh => Sum(s => s.BoilerKw);

    public double EnergyImportedKwh => Sum(s => s.GridImportKw);

    private double Sum(Func<SlotOutcome, double> kw) => Slots.Sum(kw) * SlotLength.TotalHours;
}
