using System.Runtime.InteropServices;

namespace Energy.Gpu.Interop;

/// <summary>
/// NVML entry points (nvml.h, driver 580), names verbatim. <c>nvmlDevice_t</c> is an opaque pointer.
/// Resolved through <see cref="NativeLibraries"/>; call <see cref="NativeLibraries.Register"/> first.
/// </summary>
internal static unsafe partial class Nvml
{
    private const string Lib = NativeLibraries.Nvml;

    [LibraryImport(Lib, EntryPoint = "nvmlInit_v2")]
    internal static partial NvmlReturn nvmlInit_v2();

    [LibraryImport(Lib, EntryPoint = "nvmlShutdown")]
    internal static partial NvmlReturn nvmlShutdown();

    [LibraryImport(Lib, EntryPoint = "nvmlErrorString")]
    internal static partial byte* nvmlErrorString(NvmlReturn result);

    [LibraryImport(Lib, EntryPoint = "nvmlSystemGetDriverVersion")]
    internal static partial NvmlReturn nvmlSystemGetDriverVersion(byte* version, uint length);

    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetCount_v2")]
    internal static partial NvmlReturn nvmlDeviceGetCount_v2(uint* deviceCount);

    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetHandleByIndex_v2")]
    internal static partial NvmlReturn nvmlDeviceGetHandleByIndex_v2(uint index, nint* device);

    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetName")]
    internal static partial NvmlReturn nvmlDeviceGetName(nint device, byte* name, uint length);

    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetUUID")]
    internal static partial NvmlReturn nvmlDeviceGetUUID(nint device, byte* uuid, uint length);

    /// <summary>Board power in mW, averaged over about 1 s (GPU.md).</summary>
    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetPowerUsage")]
    internal static partial NvmlReturn nvmlDeviceGetPowerUsage(nint device, uint* power);

    /// <summary>Energy since the driver was loaded, in mJ.</summary>
    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetTotalEnergyConsumption")]
    internal static partial NvmlReturn nvmlDeviceGetTotalEnergyConsumption(nint device, ulong* energy);

    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetTemperature")]
    internal static partial NvmlReturn nvmlDeviceGetTemperature(nint device, int sensorType, uint* temp);

    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetClockInfo")]
    internal static partial NvmlReturn nvmlDeviceGetClockInfo(nint device, int type, uint* clock);

    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetPowerManagementLimitConstraints")]
    internal static partial NvmlReturn nvmlDeviceGetPowerManagementLimitConstraints(nint device, uint* minLimit, uint* maxLimit);

    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetPowerManagementDefaultLimit")]
    internal static partial NvmlReturn nvmlDeviceGetPowerManagementDefaultLimit(nint device, uint* defaultLimit);

    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetEnforcedPowerLimit")]
    internal static partial NvmlReturn nvmlDeviceGetEnforcedPowerLimit(nint device, uint* limit);

    /// <summary>Since driver 535; older drivers only export the throttle-reasons name.</summary>
    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetCurrentClocksEventReasons")]
    internal static partial NvmlReturn nvmlDeviceGetCurrentClocksEventReasons(nint device, ulong* clocksEventReasons);

    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetCurrentClocksThrottleReasons")]
    internal static partial NvmlReturn nvmlDeviceGetCurrentClocksThrottleReasons(nint device, ulong* clocksThrottleReasons);

    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetUtilizationRates")]
    internal static partial NvmlReturn nvmlDeviceGetUtilizationRates(nint device, NvmlUtilization* utilization);

    [LibraryImport(Lib, EntryPoint = "nvmlDeviceGetFieldValues")]
    internal static partial NvmlReturn nvmlDeviceGetFieldValues(nint device, int valuesCount, NvmlFieldValue* values);

    /// <summary>Changes a machine setting (root only). Reached only through <see cref="INvmlApi.DeviceSetPowerManagementLimit"/>.</summary>
    [LibraryImport(Lib, EntryPoint = "nvmlDeviceSetPowerManagementLimit")]
    internal static partial NvmlReturn nvmlDeviceSetPowerManagementLimit(nint device, uint limit);
}
