using Energy.Gpu.Cuda;

namespace Energy.Gpu.Devices;

public sealed record GpuBackendOptions
{
    public GpuBackendMode Mode { get; init; } = GpuBackendMode.Auto;

    public CudaGpuDeviceOptions Device { get; init; } = new();

    public CudaLoadOptions Loads { get; init; } = new();

    /// <summary>Where compiled kernels are cached; null: <see cref="KernelCompilerOptions.DefaultCacheDirectory()"/>.</summary>
    public string? KernelCacheDirectory { get; init; }
}
