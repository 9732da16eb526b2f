namespace Energy.Gpu.Devices;

public enum GpuBackendMode
{
    /// <summary>Real GPUs when the NVIDIA stack and a device are present, else simulated ones.</summary>
    Auto,

    /// <summary>Simulated GPUs from the site file, even on a host with real ones.</summary>
    Simulated,

    /// <summary>Real GPUs or a failed start: for hosts that must not fall back to simulation.</summary>
    Cuda,
}
