namespace Energy.Scheduler.Backtesting;

/// <summary>
/// What one operator limit cost over the backtest: perfect foresight with that one limit relaxed, minus
/// perfect foresight under the whole policy (money in the site currency; never negative but for solver
/// tolerance), and the hours it bound.
/// </summary>
/// <param name="Limit">priceLimit, rampLimit, minDwell, gridCap or slaMinimums.</param>
/// <param name="SiteFileKey">Where the operator sets it.</param>
/// <param name="Setting">Its value, in the operator's words.</param>
/// <param name="Cost">Profit given up to the limit.</param>
/// <param name="HoursBound">Hours in which the limit bound (price above the limit, import at the cap, a move held…).</param>
/// <param name="RelaxedProfit">Perfect foresight's profit with the limit relaxed.</param>
public sealed record PolicyCost(string Limit, string SiteFileKey, string Setting, double Cost, double HoursBound, double RelaxedProfit);
