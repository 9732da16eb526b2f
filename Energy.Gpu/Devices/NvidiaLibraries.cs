using Energy.Gpu.Interop;

namespace Energy.Gpu.Devices;

/// <summary>The driver's and the CUDA toolkit's libraries of this host, by their versioned sonames.</summary>
public sealed class NvidiaLibraries : INvidiaLibraries
{
    public static NvidiaLibraries System { get; } = new();

    public bool TryOpenNvml(out INvmlApi? api, out string reason)
    {
        var ok = NvmlApi.TryCreate(out var nvml, out reason);
        api = nvml;
        return ok;
    }

    public bool TryOpenCuda(out ICudaDriverApi? api, out string reason)
    {
        var ok = CudaDriverApi.TryCreate(out var cuda, out reason);
        api = cuda;
        return ok;
    }

    public bool TryOpenNvrtc(out INvrtcApi? api, out string reason)
    {
        var ok = NvrtcApi.TryCreate(out var nvrtc, out reason);
        api = nvrtc;
        return ok;
    }

    public bool TryOpenCublas(out ICublasApi? api, out string reason)
    {
        var ok = CublasApi.TryCreate(out var cublas, out reason);
        api = cublas;
        return ok;
    }
}
