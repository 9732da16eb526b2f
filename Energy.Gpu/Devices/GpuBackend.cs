namespace Energy.Gpu.Devices;

/// <summary>
/// The GPUs this process runs and how they are backed. <see cref="Description"/> is what the status
/// API's gpuBackend says: <c>simulated</c>, or <c>CUDA backend: 1 × NVIDIA H200 (sm_90), driver …</c>.
/// Disposing it idles and stops real GPUs' loads and shuts NVML down.
/// </summary>
public sealed class GpuBackend : IDisposable
{
    /// <summary>The description of simulated GPUs.</summary>
    public const string SimulatedDescription = "simulated";

    private readonly IReadOnlyList<IDisposable> _owned;
    private bool _disposed;

    private GpuBackend(string description, string reason, bool isCuda, IReadOnlyList<IGpuDevice> devices, IReadOnlyList<IDisposable> owned)
    {
        Description = description;
        Reason = reason;
        IsCuda = isCuda;
        Devices = devices;
        _owned = owned;
    }

    public string Description { get; }

    /// <summary>Why simulated GPUs run (what is missing); empty for real GPUs.</summary>
    public string Reason { get; }

    public bool IsCuda { get; }

    public IReadOnlyList<IGpuDevice> Devices { get; }

    public static GpuBackend Simulated(IReadOnlyList<IGpuDevice> devices, string reason) =>
        new(SimulatedDescription, reason, false, devices, []);

    /// <summary>Real GPUs; <paramref name="owned"/> (devices first, then the NVIDIA host) are disposed in order.</summary>
    public static GpuBackend Cuda(string description, IReadOnlyList<IGpuDevice> devices, IReadOnlyList<IDisposable> owned) =>
        new(description, string.Empty, true, devices, owned);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
