using Energy.Gpu.Interop;

namespace Energy.Gpu.Devices;

/// <summary>Loads NVIDIA's libraries: the real sonames in <see cref="NvidiaLibraries"/>, fakes in tests.</summary>
public interface INvidiaLibraries
{
    /// <summary>NVML (<c>libnvidia-ml.so.1</c>); on failure <paramref name="reason"/> says what to install.</summary>
    bool TryOpenNvml(out INvmlApi? api, out string reason);

    /// <summary>The CUDA driver API (<c>libcuda.so.1</c>).</summary>
    bool TryOpenCuda(out ICudaDriverApi? api, out string reason);

    bool TryOpenNvrtc(out INvrtcApi? api, out string reason);

    bool TryOpenCublas(out ICublasApi? api, out string reason);
}
