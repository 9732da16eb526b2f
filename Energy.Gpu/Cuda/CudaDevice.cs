using Energy.Gpu.Interop;

namespace Energy.Gpu.Cuda;

/// <summary>
/// One CUDA device as the driver describes it. Sizes in bytes, clocks in kHz (the driver's units);
/// <see cref="Architecture"/> is the NVRTC target that runs natively on it (<c>sm_90</c> for H100/H200).
/// </summary>
public sealed record CudaDevice(
    int Ordinal,
    int Handle,
    string Name,
    int ComputeCapabilityMajor,
    int ComputeCapabilityMinor,
    int MultiprocessorCount,
    long TotalMemoryBytes,
    int ClockRateKilohertz,
    int MaxThreadsPerBlock,
    int WarpSize,
    int MaxSharedMemoryPerBlockBytes)
{
    /// <summary>The <c>--gpu-architecture</c> value for a CUBIN this device loads: <c>sm_{major}{minor}</c>.</summary>
    public string Architecture => $"sm_{ComputeCapabilityMajor}{ComputeCapabilityMinor}";

    public double TotalMemoryGibibytes => TotalMemoryBytes / (1024.0 * 1024 * 1024);

    /// <summary>Reads device <paramref name="ordinal"/>; <c>cuInit</c> must have succeeded.</summary>
    public static CudaDevice Query(ICudaDriverApi api, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(api);
        CudaException.ThrowIfFailed(api, api.DeviceGet(ordinal, out var handle), "cuDeviceGet");
        CudaException.ThrowIfFailed(api, api.DeviceGetName(handle, out var name), "cuDeviceGetName");
        CudaException.ThrowIfFailed(api, api.DeviceTotalMem(handle, out var bytes), "cuDeviceTotalMem_v2");
        return new CudaDevice(
            ordinal,
            handle,
            name,
            Attribute(api, handle, CuDeviceAttribute.ComputeCapabilityMajor),
            Attribute(api, handle, CuDeviceAttribute.ComputeCapabilityMinor),
            Attribute(api, handle, CuDeviceAttribute.MultiprocessorCount),
            checked((long)bytes),
            Attribute(api, handle, CuDeviceAttribute.ClockRate),
            Attribute(api, handle, CuDeviceAttribute.MaxThreadsPerBlock),
            Attribute(api, handle, CuDeviceAttribute.WarpSize),
            Attribute(api, handle, CuDeviceAttribute.MaxSharedMemoryPerBlock));
    }

    /// <summary>
    /// The device's UUID as NVML and nvidia-smi print it (<c>GPU-</c> and the 16 bytes of
    /// <c>cuDeviceGetUuid_v2</c> in 8-4-4-4-12 hex groups), or null where the driver does not say.
    /// </summary>
    public static string? ReadUuid(ICudaDriverApi api, CudaDevice device)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(device);
        Span<byte> bytes = stackalloc byte[16];
        try
        {
            if (api.DeviceGetUuid(device.Handle, bytes) != CuResult.Success)
            {
                return null;
            }
        }
        catch (EntryPointNotFoundException)
        {
            // A driver older than CUDA 11.4 lacks the _v2 symbol; callers pair devices by index then.
            return null;
        }

        return FormatUuid(bytes);
    }

    /// <summary>16 bytes as <c>GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c>.</summary>
    public static string FormatUuid(ReadOnlySpan<byte> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(bytes.Length, 16, nameof(bytes));
        var hex = Convert.ToHexStringLower(bytes);
        return $"GPU-{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    private static int Attribute(ICudaDriverApi api, int handle, CuDeviceAttribute attribute)
    {
        var code = api.DeviceGetAttribute(attribute, handle, out var value);
        if (code != CuResult.Success)
        {
            throw CudaException.Create(api, code, $"cuDeviceGetAttribute({attribute})");
        }

        return value;
    }
}
