namespace Energy.Gpu.Nvml;

public sealed class NvmlGpuOptions
{
    /// <summary>
    /// Lets <see cref="NvmlGpu.TrySetPowerLimit"/> call <c>nvmlDeviceSetPowerManagementLimit</c>. Off by
    /// default: lent and shared machines must only be read (GPU.md), so the default is a dry run.
    /// </summary>
    public bool AllowSetPowerLimit { get; init; }
}
