namespace Energy.Scheduler.Backtesting;

/// <summary>A finished backtest: HeatGrid with honest forecasts, the same planner with perfect foresight, and the baselines.</summary>
public sealed record BacktestResult(
    string Site,
    string Planner,
    BacktestSeries Series,
    BacktestOptions Options,
    BacktestRun HeatGrid,
    BacktestRun PerfectForesight,
    IReadOnlyList<BacktestRun> Baselines,
    IReadOnlyList<double> SolveMs,
    double WallSeconds)
{
    /// <summary>Workload names in the order of <see cref="SlotOutcome.PowerByWorkloadKw"/>.</summary>
    public IReadOnlyList<string> WorkloadNames { get; init; } = [];

    public int Replans => SolveMs.Count;

    public double RatioToPerfectForesight => PerfectForesight.Profit != 0 ? HeatGrid.Profit / PerfectForesight.Profit : double.NaN;

    public double SolveMsPercentile(double p)
    {
        if (SolveMs.Count == 0)
        {
            return 0;
        }

        var sorted = SolveMs.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
