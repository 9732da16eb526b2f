using Energy.Contracts.Planning;
using Energy.Contracts.Sites;

namespace Energy.Scheduler.Backtesting;

/// <summary>
/// A fixed operating rule a backtest compares HeatGrid with: decides each slot from what that slot shows
/// (its day-ahead price, what mining earns). What it decides then passes the same <see cref="OperatorRules"/>
/// as every other strategy, and is executed and settled by the same <see cref="SlotExecutor"/>.
/// </summary>
public interface IBaselinePolicy
{
    string Name { get; }

    IReadOnlyList<PoolAllocation> Decide(BaselineSlot slot);
}

/// <summary>What a rule sees of one slot.</summary>
/// <param name="MiningValuePerMwh">What a MWh of GPU energy mining on a pool earns in the slot; null for each workload's constant.</param>
public sealed record BaselineSlot(DateTimeOffset Start, double SpotPerMwh, Func<MiningWorkload, GpuPool, double>? MiningValuePerMwh = null)
{
    public double MiningValue(MiningWorkload workload, GpuPool pool)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(pool);
        return MiningValuePerMwh?.Invoke(workload, pool) ?? workload.ValuePerMwh.PerMegawattHour;
    }
}
