using System.Text;

namespace Energy.Gpu.Interop;

/// <summary>
/// <see cref="INvmlApi"/> over the driver's <c>libnvidia-ml.so.1</c>. A missing entry point (an older
/// driver) becomes <see cref="NvmlReturn.FunctionNotFound"/>, as NVML itself reports it.
/// </summary>
public sealed unsafe class NvmlApi : INvmlApi
{
    // NVML_DEVICE_NAME_V2_BUFFER_SIZE and NVML_DEVICE_UUID_V2_BUFFER_SIZE (nvml.h).
    private const int NameBufferSize = 96;
    private const int UuidBufferSize = 96;

    // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE (nvml.h).
    private const int DriverVersionBufferSize = 80;

    private NvmlApi()
    {
    }

    /// <summary>Loads NVML, or says what to install.</summary>
    public static bool TryCreate(out NvmlApi? api, out string reason)
    {
        NativeLibraries.Register();
        if (!NativeLibraries.TryLoad(NativeLibraries.Nvml, out _, out reason))
        {
            api = null;
            return false;
        }

        api = new NvmlApi();
        return true;
    }

    public NvmlReturn Init() => Nvml.nvmlInit_v2();

    public NvmlReturn Shutdown() => Nvml.nvmlShutdown();

    public NvmlReturn SystemGetDriverVersion(out string version)
    {
        var buffer = stackalloc byte[DriverVersionBufferSize];
        var code = Nvml.nvmlSystemGetDriverVersion(buffer, DriverVersionBufferSize);
        version = code == NvmlReturn.Success ? Utf8Z(buffer, DriverVersionBufferSize) : string.Empty;
        return code;
    }

    public NvmlReturn DeviceGetCount(out uint count)
    {
        uint value;
        var code = Nvml.nvmlDeviceGetCount_v2(&value);
        count = value;
        return code;
    }

    public NvmlReturn DeviceGetHandleByIndex(uint index, out nint device)
    {
        nint value;
        var code = Nvml.nvmlDeviceGetHandleByIndex_v2(index, &value);
        device = value;
        return code;
    }

    public NvmlReturn DeviceGetName(nint device, out string name)
    {
        var buffer = stackalloc byte[NameBufferSize];
        var code = Nvml.nvmlDeviceGetName(device, buffer, NameBufferSize);
        name = code == NvmlReturn.Success ? Utf8Z(buffer, NameBufferSize) : string.Empty;
        return code;
    }

    public NvmlReturn DeviceGetUuid(nint device, out string uuid)
    {
        var buffer = stackalloc byte[UuidBufferSize];
        var code = Nvml.nvmlDeviceGetUUID(device, buffer, UuidBufferSize);
        uuid = code == NvmlReturn.Success ? Utf8Z(buffer, UuidBufferSize) : string.Empty;
        return code;
    }

    public NvmlReturn DeviceGetPowerUsage(nint device, out uint milliwatts)
    {
        uint value;
        var code = Nvml.nvmlDeviceGetPowerUsage(device, &value);
        milliwatts = value;
        return code;
    }

    public NvmlReturn DeviceGetTotalEnergyConsumption(nint device, out ulong millijoules)
    {
        ulong value;
        var code = Nvml.nvmlDeviceGetTotalEnergyConsumption(device, &value);
        millijoules = value;
        return code;
    }

    public NvmlReturn DeviceGetTemperature(nint device, NvmlTemperatureSensor sensor, out uint celsius)
    {
        uint value;
        var code = Nvml.nvmlDeviceGetTemperature(device, (int)sensor, &value);
        celsius = value;
        return code;
    }

    public NvmlReturn DeviceGetClockInfo(nint device, NvmlClockType type, out uint megahertz)
    {
        uint value;
        var code = Nvml.nvmlDeviceGetClockInfo(device, (int)type, &value);
        megahertz = value;
        return code;
    }

    public NvmlReturn DeviceGetPowerManagementLimitConstraints(nint device, out uint minMilliwatts, out uint maxMilliwatts)
    {
        uint min, max;
        var code = Nvml.nvmlDeviceGetPowerManagementLimitConstraints(device, &min, &max);
        minMilliwatts = min;
        maxMilliwatts = max;
        return code;
    }

    public NvmlReturn DeviceGetPowerManagementDefaultLimit(nint device, out uint milliwatts)
    {
        uint value;
        var code = Nvml.nvmlDeviceGetPowerManagementDefaultLimit(device, &value);
        milliwatts = value;
        return code;
    }

    public NvmlReturn DeviceGetEnforcedPowerLimit(nint device, out uint milliwatts)
    {
        uint value;
        var code = Nvml.nvmlDeviceGetEnforcedPowerLimit(device, &value);
        milliwatts = value;
        return code;
    }

    public NvmlReturn DeviceGetCurrentClocksEventReasons(nint device, out ulong reasons)
    {
        reasons = 0;
        try
        {
            ulong value;
            var code = Nvml.nvmlDeviceGetCurrentClocksEventReasons(device, &value);
            reasons = value;
            return code;
        }
        catch (EntryPointNotFoundException)
        {
            return NvmlReturn.FunctionNotFound;
        }
    }

    public NvmlReturn DeviceGetCurrentClocksThrottleReasons(nint device, out ulong reasons)
    {
        reasons = 0;
        try
        {
            ulong value;
            var code = Nvml.nvmlDeviceGetCurrentClocksThrottleReasons(device, &value);
            reasons = value;
            return code;
        }
        catch (EntryPointNotFoundException)
        {
            return NvmlReturn.FunctionNotFound;
        }
    }

    public NvmlReturn DeviceGetUtilizationRates(nint device, out NvmlUtilization utilization)
    {
        NvmlUtilization value;
        var code = Nvml.nvmlDeviceGetUtilizationRates(device, &value);
        utilization = value;
        return code;
    }

    public NvmlReturn DeviceGetFieldValues(nint device, Span<NvmlFieldValue> values)
    {
        fixed (NvmlFieldValue* p = values)
        {
            return Nvml.nvmlDeviceGetFieldValues(device, values.Length, p);
        }
    }

    public NvmlReturn DeviceSetPowerManagementLimit(nint device, uint milliwatts) =>
        Nvml.nvmlDeviceSetPowerManagementLimit(device, milliwatts);

    private static string Utf8Z(byte* buffer, int size)
    {
        var bytes = new ReadOnlySpan<byte>(buffer, size);
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
