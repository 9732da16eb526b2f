using System.Globalization;
using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Energy.Gpu.Nvml;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Devices;

/// <summary>
/// The NVIDIA stack of this host, opened for use: NVML initialised, the CUDA driver with at least one
/// device, NVRTC and cuBLAS loadable, and each CUDA device paired with its NVML device by UUID
/// (CUDA_VISIBLE_DEVICES and CUDA's ordering make the ordinals differ from NVML's indices). When any
/// part is missing <see cref="TryOpen"/> says which and what to install. Dispose shuts NVML down.
/// </summary>
public sealed class NvidiaHost : IDisposable
{
    private bool _disposed;

    private NvidiaHost(INvmlApi nvml, CudaRuntime cuda, INvrtcApi nvrtc, ICublasApi cublas, string driverVersion, IReadOnlyList<NvidiaGpu> gpus)
    {
        Nvml = nvml;
        Cuda = cuda;
        Nvrtc = nvrtc;
        Cublas = cublas;
        DriverVersion = driverVersion;
        Gpus = gpus;
    }

    public INvmlApi Nvml { get; }

    public CudaRuntime Cuda { get; }

    public INvrtcApi Nvrtc { get; }

    public ICublasApi Cublas { get; }

    /// <summary>The kernel driver's version (<c>nvmlSystemGetDriverVersion</c>), e.g. <c>580.159.03</c>.</summary>
    public string DriverVersion { get; }

    public IReadOnlyList<NvidiaGpu> Gpus { get; }

    /// <summary>"1 × NVIDIA H200 (sm_90), driver 580.159.03, CUDA 13.0": what HeatGrid runs on.</summary>
    public string Describe()
    {
        var groups = Gpus.GroupBy(g => (g.Cuda.Name, g.Cuda.Architecture))
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} × {g.Key.Name} ({g.Key.Architecture})"));
        return $"{string.Join(" + ", groups)}, driver {DriverVersion}, CUDA {Cuda.DriverCudaVersion}";
    }

    /// <summary>Opens everything or nothing; never throws for a missing driver, library or device.</summary>
    public static bool TryOpen(INvidiaLibraries libraries, ILogger logger, NvmlGpuOptions? nvmlOptions, out NvidiaHost? host, out string reason)
    {
        ArgumentNullException.ThrowIfNull(libraries);
        ArgumentNullException.ThrowIfNull(logger);
        host = null;
        if (!libraries.TryOpenNvml(out var nvml, out reason))
        {
            return false;
        }

        var init = nvml!.Init();
        if (init != NvmlReturn.Success)
        {
            reason = $"NVML did not initialise ({init.ToNvidiaName()}): check that the NVIDIA kernel driver is loaded (nvidia-smi)";
            return false;
        }

        try
        {
            if (!TryOpenCuda(libraries, nvml, logger, nvmlOptions, out host, out reason))
            {
                _ = nvml.Shutdown();
                return false;
            }

            return true;
        }
        catch (Exception ex) when (ex is NvmlException or CudaException)
        {
            _ = nvml.Shutdown();
            reason = ex.Message;
            return false;
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _ = Nvml.Shutdown();
        }
    }

    private static bool TryOpenCuda(INvidiaLibraries libraries, INvmlApi nvml, ILogger logger, NvmlGpuOptions? nvmlOptions, out NvidiaHost? host, out string reason)
    {
        host = null;
        if (!libraries.TryOpenCuda(out var cudaApi, out reason))
        {
            return false;
        }

        var cuda = CudaRuntime.Open(cudaApi!);
        if (!cuda.IsAvailable)
        {
            reason = cuda.UnavailableReason;
            return false;
        }

        if (!libraries.TryOpenNvrtc(out var nvrtc, out reason) || !libraries.TryOpenCublas(out var cublas, out reason))
        {
            return false;
        }

        NvmlException.ThrowIfFailed(nvml.SystemGetDriverVersion(out var driver), "nvmlSystemGetDriverVersion");
        var gpus = Pair(cuda, nvml, logger, nvmlOptions);
        if (gpus.Count == 0)
        {
            reason = "no CUDA device could be paired with an NVML device to read its power";
            return false;
        }

        host = new NvidiaHost(nvml, cuda, nvrtc!, cublas!, driver, gpus);
        return true;
    }

    private static List<NvidiaGpu> Pair(CudaRuntime cuda, INvmlApi nvml, ILogger logger, NvmlGpuOptions? nvmlOptions)
    {
        NvmlException.ThrowIfFailed(nvml.DeviceGetCount(out var count), "nvmlDeviceGetCount_v2");
        var byUuid = new Dictionary<string, (uint Index, NvmlGpu Gpu)>(StringComparer.OrdinalIgnoreCase);
        var byIndex = new List<(uint Index, NvmlGpu Gpu, string Uuid)>();
        for (var i = 0u; i < count; i++)
        {
            var gpu = NvmlGpu.Open(nvml, i, nvmlOptions);
            var uuid = gpu.Uuid;
            byUuid[uuid] = (i, gpu);
            byIndex.Add((i, gpu, uuid));
        }

        var paired = new List<NvidiaGpu>();
        foreach (var device in cuda.Devices)
        {
            var uuid = CudaDevice.ReadUuid(cuda.Api, device);
            if (uuid is not null && byUuid.TryGetValue(uuid, out var match))
            {
                paired.Add(new NvidiaGpu(device, match.Gpu, match.Index, uuid));
            }
            else if (uuid is null && cuda.Devices.Count == byIndex.Count)
            {
                // Without a CUDA UUID the only evidence is the order; it holds when both see every GPU.
                var (index, gpu, nvmlUuid) = byIndex[device.Ordinal];
                paired.Add(new NvidiaGpu(device, gpu, index, nvmlUuid));
            }
            else
            {
                Log.CudaDeviceUnpaired(logger, device.Ordinal, device.Name,
                    uuid is null ? "the driver gave no UUID and NVML sees a different number of GPUs" : $"no NVML device has UUID {uuid}");
            }
        }

        return paired;
    }
}
