using Energy.Contracts.Units;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// What the sequencer holds the site to on one control tick.
/// </summary>
/// <param name="HoldBelow">The import the site must stay under: the cap in force (the contract's, or a curtailment's), less the meter's margin.</param>
/// <param name="BaseLoad">The load HeatGrid does not control, as the controller counts it now: estimated from the site meter, or the site file's figure without one.</param>
/// <param name="RampAllowance">The most the GPUs' grid draw may rise on this tick (the policy's ramp limit over one tick); null for no limit. Decreases are never limited.</param>
/// <param name="Why">What the limit is, for explanations ("contract cap", "curtailment tso-7", "site meter: 260 kW of other load").</param>
public sealed record CapLimits(Power HoldBelow, Power BaseLoad, Power? RampAllowance = null, string Why = "the grid cap");
