using Energy.Contracts.Policy;
using Energy.Contracts.Units;

namespace Energy.Contracts.Agents;

/// <summary>
/// What the controller tells one GPU to do: a workload (null for idle) at a power target, until
/// <see cref="ValidUntil"/> (after which the agent falls back to the safe state), from a controller
/// <see cref="Epoch"/> (assignments from an older epoch are refused).
/// </summary>
public sealed record GpuAssignment(string GpuId, string? Workload, Power PowerTarget, DateTimeOffset ValidUntil, long Epoch)
{
    /// <summary>Which step of the shed order this GPU's load belongs to; null when it is never shed (idle, or SLA work policy protects).</summary>
    public ShedStep? Shed { get; init; }
}
