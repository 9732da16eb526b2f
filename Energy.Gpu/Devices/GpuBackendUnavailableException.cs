namespace Energy.Gpu.Devices;

/// <summary>Real GPUs were required (<see cref="GpuBackendMode.Cuda"/>) but cannot be used; the message says what is missing.</summary>
public sealed class GpuBackendUnavailableException : Exception
{
    public GpuBackendUnavailableException()
    {
    }

    public GpuBackendUnavailableException(string message)
        : base(message)
    {
    }

    public GpuBackendUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
