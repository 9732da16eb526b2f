using Energy.Contracts.Configuration;

namespace Energy.Scheduler.Policy;

/// <summary>What a change or rollback came to: the version in force after it, and why it was refused.</summary>
public sealed record PolicyChangeResult(PolicyChangeOutcome Outcome, PolicyVersion Version, IReadOnlyList<ConfigError> Errors);
