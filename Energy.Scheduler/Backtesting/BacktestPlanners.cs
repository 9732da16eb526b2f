using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Lp;
using Energy.Scheduler.Planning.MeritOrder;

namespace Energy.Scheduler.Backtesting;

/// <summary>The planners a backtest can be run with, by name (<c>--planner</c>).</summary>
public static class BacktestPlanners
{
    /// <summary>The planner used when none is named: the LP optimizer, as in <c>heatgrid run</c>.</summary>
    public const string Default = "lp";

    public static IReadOnlyList<string> Names { get; } = ["lp", "lp-fresh", "merit-order"];

    /// <summary>The backtest executes only each plan's first slot: the LP reads no more of its solution.</summary>
    private static LpPlannerOptions FirstSlotOnly { get; } = LpPlannerOptions.Default with { ReadSlots = 1 };

    public static IPlanner Create(string? name = null) => (name ?? Default) switch
    {
        "lp" => new LpPlanner(FirstSlotOnly),
        "lp-fresh" => new LpPlanner(FirstSlotOnly with { ReuseModel = false }),   // the LP with a fresh model per plan: the baseline of the re-used one
        "merit-order" => new MeritOrderPlanner(),
        _ => throw new BacktestInputException($"--planner: unknown planner '{name}'; known: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// The same planner without the tenants' SLA as a floor (the LP with no SLA penalty), for pricing the SLA
    /// minimums; null for a planner that cannot drop it.
    /// </summary>
    public static Func<IPlanner>? SlaFree(string? name = null) => (name ?? Default) switch
    {
        "lp" => () => new LpPlanner(FirstSlotOnly with { SlaPenaltyPerGpuHour = 0 }),
        _ => null,
    };
}
