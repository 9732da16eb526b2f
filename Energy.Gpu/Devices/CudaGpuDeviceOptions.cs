using Energy.Gpu.Control;

namespace Energy.Gpu.Devices;

public sealed record CudaGpuDeviceOptions
{
    public PowerControllerOptions Controller { get; init; } = new();

    /// <summary>Off by default: software power control only (GPU.md, rules on the lent machine).</summary>
    public NvmlPowerLimitMode PowerLimit { get; init; } = NvmlPowerLimitMode.Off;
}
