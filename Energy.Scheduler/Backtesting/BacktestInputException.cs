namespace Energy.Scheduler.Backtesting;

/// <summary>An input file or option a backtest cannot run with; the message names the file or option and what to do.</summary>
public sealed class BacktestInputException : Exception
{
    public BacktestInputException()
    {
    }

    public BacktestInputException(string message)
        : base(message)
    {
    }

    public BacktestInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
