using Energy.Contracts.Policy;

namespace Energy.Contracts.Configuration;

/// <summary>A policy section read, or the errors that stopped it (with the site file's texts).</summary>
public sealed record PolicySectionResult(OperatorPolicy? Policy, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Policy is not null && Errors.Count == 0;
}
