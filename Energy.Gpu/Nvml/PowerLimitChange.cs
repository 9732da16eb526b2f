namespace Energy.Gpu.Nvml;

public enum PowerLimitChangeOutcome
{
    DryRun,
    Applied,
    Refused,
}

/// <summary>What a power-limit request did, and the sentence that says so.</summary>
public readonly record struct PowerLimitChange(PowerLimitChangeOutcome Outcome, string Description);
