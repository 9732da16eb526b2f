using Energy.Scheduler.Planning;

namespace Energy.Scheduler.Backtesting;

/// <summary>The planners a backtest can be run with, by name (<c>--planner</c>).</summary>
public static class BacktestPlanners
{
    /// <summary>The planner used when none is named. Switch to "lp" once Optimization.LpPlanner lands.</summary>
    public const string Default = "merit-order";

    public static IReadOnlyList<string> Names { get; } = ["merit-order"];

    public static IPlanner Create(string? name = null) => (name ?? Default) switch
    {
        "merit-order" => new MeritOrderPlanner(),
        _ => throw new BacktestInputException($"--planner: unknown planner '{name}'; known: {string.Join(", ", Names)}"),
    };
}
