namespace Energy.Gpu.Devices;

/// <summary>
/// What a GPU's <see cref="Contracts.Agents.GpuState.Power"/> is: where it comes from and the window it
/// averages over, so that evidence built on it can say how late it may be. A reading averaged over a
/// window shows a step at the earliest once the window has passed it.
/// </summary>
/// <param name="Source">A short name for reports: <c>nvml-instant</c>, <c>nvml-average</c>, <c>simulated-instant</c>.</param>
/// <param name="Window">The averaging window: what the reading lags a step by, at most.</param>
public sealed record GpuPowerReading(string Source, TimeSpan Window)
{
    /// <summary>
    /// <c>NVML_FI_DEV_POWER_INSTANT</c> (Ampere/Hopper and newer drivers): refreshed about every 25 ms
    /// (shared/GPU.md, measured on an H200); the sensor averages each refresh window.
    /// </summary>
    public static GpuPowerReading NvmlInstant { get; } = new("nvml-instant", TimeSpan.FromMilliseconds(25));

    /// <summary>
    /// <c>nvmlDeviceGetPowerUsage</c> where the instant field is missing: on Ampere (except GA100) and newer a
    /// 1-s average (NVML reference), lagging a step by about 1 s (shared/GPU.md).
    /// </summary>
    public static GpuPowerReading NvmlAverage { get; } = new("nvml-average", TimeSpan.FromSeconds(1));

    /// <summary>The simulated GPU's model of the instant field: the mean of its modelled board power over 25-ms windows.</summary>
    public static GpuPowerReading SimulatedInstant { get; } = new("simulated-instant", TimeSpan.FromMilliseconds(25));

    /// <summary>A backend that does not say: counted as instantaneous.</summary>
    public static GpuPowerReading Unstated { get; } = new("unstated", TimeSpan.Zero);
}
