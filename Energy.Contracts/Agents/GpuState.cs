using Energy.Contracts.Units;

namespace Energy.Contracts.Agents;

/// <summary>Telemetry of one GPU as its agent reports it.</summary>
/// <param name="Power">Power now (instant, or the backend's shortest average).</param>
/// <param name="AveragePower">Power averaged over the last second, as NVML's power usage reports it.</param>
/// <param name="EnergyCounter">Energy since the counter started: the figure to bill with.</param>
public sealed record GpuState(
    string GpuId,
    string Pool,
    string? Workload,
    Power PowerTarget,
    Power Power,
    Power AveragePower,
    EnergyAmount EnergyCounter,
    Temperature Temperature,
    DateTimeOffset Timestamp);
