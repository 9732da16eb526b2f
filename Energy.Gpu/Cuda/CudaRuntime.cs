using System.Globalization;
using Energy.Gpu.Interop;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Cuda;

/// <summary>
/// The CUDA driver on this host and its devices. A host without the NVIDIA driver, or without a
/// device, is a capability (<see cref="IsAvailable"/> false, <see cref="UnavailableReason"/> says what to
/// install), not an exception: HeatGrid runs its simulated GPUs there.
/// </summary>
public sealed class CudaRuntime
{
    private readonly ICudaDriverApi? _api;

    private CudaRuntime(ICudaDriverApi? api, string unavailableReason, int driverVersion, IReadOnlyList<CudaDevice> devices)
    {
        _api = api;
        UnavailableReason = unavailableReason;
        DriverVersion = driverVersion;
        Devices = devices;
    }

    public bool IsAvailable => _api is not null;

    /// <summary>Empty when <see cref="IsAvailable"/>; otherwise why not and what to install.</summary>
    public string UnavailableReason { get; }

    /// <summary>The driver API seam; throws when CUDA is not available.</summary>
    public ICudaDriverApi Api => _api ?? throw new InvalidOperationException(UnavailableReason);

    /// <summary>The newest CUDA version the driver supports, as <c>cuDriverGetVersion</c> encodes it (13000).</summary>
    public int DriverVersion { get; }

    /// <summary><see cref="DriverVersion"/> as people write it: <c>13.0</c>.</summary>
    public string DriverCudaVersion => string.Create(CultureInfo.InvariantCulture, $"{DriverVersion / 1000}.{DriverVersion % 1000 / 10}");

    public IReadOnlyList<CudaDevice> Devices { get; }

    /// <summary>Loads <c>libcuda.so.1</c> and initialises it; never throws for a missing driver or device.</summary>
    public static CudaRuntime Open(ILogger? logger = null)
    {
        if (!CudaDriverApi.TryCreate(out var api, out var reason))
        {
            return Unavailable($"no CUDA driver: {reason}", logger);
        }

        return Open(api!, logger);
    }

    /// <summary>Initialises CUDA through <paramref name="api"/> and lists its devices.</summary>
    public static CudaRuntime Open(ICudaDriverApi api, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        var init = api.Init(0);
        if (init != CuResult.Success)
        {
            return Unavailable(DescribeInitFailure(api, init), logger);
        }

        CudaException.ThrowIfFailed(api, api.DriverGetVersion(out var version), "cuDriverGetVersion");
        CudaException.ThrowIfFailed(api, api.DeviceGetCount(out var count), "cuDeviceGetCount");
        if (count == 0)
        {
            return Unavailable("no CUDA device: the driver loaded but reports no device (check CUDA_VISIBLE_DEVICES)", logger);
        }

        var devices = Enumerable.Range(0, count).Select(i => CudaDevice.Query(api, i)).ToArray();
        var runtime = new CudaRuntime(api, string.Empty, version, devices);
        if (logger is not null)
        {
            foreach (var d in devices)
            {
                Log.CudaDeviceFound(logger, d.Ordinal, d.Name, d.Architecture, d.MultiprocessorCount, d.TotalMemoryGibibytes, runtime.DriverCudaVersion);
            }
        }

        return runtime;
    }

    /// <summary>Retains <paramref name="device"/>'s primary context and makes it current on the calling thread.</summary>
    public CudaContext RetainPrimaryContext(CudaDevice device) => CudaContext.RetainPrimary(Api, device);

    private static CudaRuntime Unavailable(string reason, ILogger? logger)
    {
        if (logger is not null)
        {
            Log.CudaUnavailable(logger, reason);
        }

        return new CudaRuntime(null, reason, 0, []);
    }

    private static string DescribeInitFailure(ICudaDriverApi api, CuResult code)
    {
        var detail = new CudaException("cuInit", code, api.GetErrorString(code, out var text) == CuResult.Success ? text : null).Message;
        return code switch
        {
            CuResult.StubLibrary =>
                $"no CUDA driver: the CUDA toolkit's stub libcuda.so.1 was loaded, not the driver's ({detail}); {NativeLibraries.MissingLibraryMessage(NativeLibraries.Cuda)}",
            CuResult.NoDevice => $"no CUDA device ({detail}); check CUDA_VISIBLE_DEVICES and nvidia-smi",
            _ => $"CUDA did not initialise ({detail})",
        };
    }
}
