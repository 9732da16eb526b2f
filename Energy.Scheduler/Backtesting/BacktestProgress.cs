namespace Energy.Scheduler.Backtesting;

/// <summary>How far a backtest is: slots simulated of all its runs together.</summary>
public readonly record struct BacktestProgress(string Phase, int Done, int Total)
{
    public double Fraction => Total == 0 ? 1 : (double)Done / Total;
}
