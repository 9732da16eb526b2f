namespace Energy.Scheduler.Controller.DemandResponse;

/// <summary>What became of a curtailment request and, unless it is in force and saved, why.</summary>
public sealed record CurtailmentDecision(CurtailOutcome Outcome, string? Message);
