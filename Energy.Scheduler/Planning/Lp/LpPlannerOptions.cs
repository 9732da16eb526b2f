namespace Energy.Scheduler.Planning.Lp;

/// <summary>
/// Settings of the LP optimizer. Penalties are in the site currency and rank the soft limits: the grid
/// cap is broken last, then the heat a loop cannot absorb or reject, the tank reserve, the ramp limit,
/// and the tenants' SLA before any of those. The horizon is not a setting: the price curve defines the slots.
/// </summary>
/// <param name="SolverId">OR-Tools solver id: "GLOP" (default: 50 pools × 5 workloads × 192 slots in ≈ 0.8 s, CLP ≈ 2.8 s), "CLP" (a little faster on small sites), "HIGHS_LP" or "PDLP".</param>
/// <param name="GridCapPenaltyPerMwh">Per MWh imported above the cap. The cap is hard for the load HeatGrid controls: only
/// what idle GPUs and the base load need on their own may be over it (a curtailment below them), at this penalty.</param>
/// <param name="HeatLimitPenaltyPerMwh">Per MWh of heat beyond the loop's absorption or rejection limits.</param>
/// <param name="TankReservePenaltyPerMwh">Per MWh the tank ends a slot below its minimum.</param>
/// <param name="RampPenaltyPerMwh">Per MWh (power change × slot length) beyond the ramp limit.</param>
/// <param name="SlaPenaltyPerGpuHour">Per GPU-hour below a tenant's SLA minimum.</param>
/// <param name="TerminalTankValueFactor">
/// Heat left in a tank at the horizon's end is worth this share of <see cref="PlanEconomics.StoredHeatValuePerMwh"/>
/// per MWh (the boiler's heat cost), so the plan does not empty the tank just because the horizon ends.
/// </param>
/// <param name="ReuseModel">
/// Re-use one model per site, slot count and slot length between plans (a rolling horizon re-plans in
/// a fraction of the time: only prices, demands, caps and the tank's energy change, and GLOP starts from
/// the last basis). Off: a fresh model per plan, the baseline. The same optimum either way.
/// </param>
/// <param name="ReuseSolverId">
/// The solver of re-used models: "CLP" (default) changes coefficients and bounds in place and starts from
/// its last basis; "GLOP" re-extracts the whole model at every solve (its basis survives with presolve off),
/// ≈ 1.5× the CPU of CLP per re-plan at 192 slots (`heatgrid bench backtest --solver`).
/// </param>
/// <param name="ReadSlots">
/// How many slots of the solution become the plan (null: all). A rolling backtest executes only the first
/// slot of each plan, so it reads one: explanations and whole-GPU rounding of 191 unused slots cost a quarter
/// of a 15-minute re-plan.
/// </param>
public sealed record LpPlannerOptions(
    string SolverId = "GLOP",
    double GridCapPenaltyPerMwh = 1_000_000,
    double HeatLimitPenaltyPerMwh = 100_000,
    double TankReservePenaltyPerMwh = 10_000,
    double RampPenaltyPerMwh = 10_000,
    double SlaPenaltyPerGpuHour = 100,
    double TerminalTankValueFactor = 1.0,
    bool ReuseModel = true,
    string ReuseSolverId = "CLP",
    int? ReadSlots = null)
{
    public static LpPlannerOptions Default { get; } = new();
}
