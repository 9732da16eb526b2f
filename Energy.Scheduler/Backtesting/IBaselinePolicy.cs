using Energy.Contracts.Planning;

namespace Energy.Scheduler.Backtesting;

/// <summary>A fixed operating rule a backtest compares HeatGrid with: decides each slot from its actual day-ahead price alone.</summary>
public interface IBaselinePolicy
{
    string Name { get; }

    IReadOnlyList<PoolAllocation> Decide(DateTimeOffset slotStart, double spotPerMwh);
}
