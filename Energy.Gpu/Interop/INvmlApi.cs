namespace Energy.Gpu.Interop;

/// <summary>
/// The raw NVML calls as a seam: same arguments and units as nvml.h (mW, mJ, °C, MHz), return codes
/// untouched. <see cref="NvmlApi"/> calls the driver; tests script a fake.
/// </summary>
public interface INvmlApi
{
    NvmlReturn Init();

    NvmlReturn Shutdown();

    /// <summary><c>nvmlSystemGetDriverVersion</c>: the kernel driver's version, e.g. <c>580.159.03</c>.</summary>
    NvmlReturn SystemGetDriverVersion(out string version);

    NvmlReturn DeviceGetCount(out uint count);

    NvmlReturn DeviceGetHandleByIndex(uint index, out nint device);

    NvmlReturn DeviceGetName(nint device, out string name);

    NvmlReturn DeviceGetUuid(nint device, out string uuid);

    NvmlReturn DeviceGetPowerUsage(nint device, out uint milliwatts);

    NvmlReturn DeviceGetTotalEnergyConsumption(nint device, out ulong millijoules);

    NvmlReturn DeviceGetTemperature(nint device, NvmlTemperatureSensor sensor, out uint celsius);

    NvmlReturn DeviceGetClockInfo(nint device, NvmlClockType type, out uint megahertz);

    NvmlReturn DeviceGetPowerManagementLimitConstraints(nint device, out uint minMilliwatts, out uint maxMilliwatts);

    NvmlReturn DeviceGetPowerManagementDefaultLimit(nint device, out uint milliwatts);

    NvmlReturn DeviceGetEnforcedPowerLimit(nint device, out uint milliwatts);

    /// <summary><c>nvmlDeviceGetCurrentClocksEventReasons</c>; <see cref="NvmlReturn.FunctionNotFound"/> on drivers before 535.</summary>
    NvmlReturn DeviceGetCurrentClocksEventReasons(nint device, out ulong reasons);

    NvmlReturn DeviceGetCurrentClocksThrottleReasons(nint device, out ulong reasons);

    NvmlReturn DeviceGetUtilizationRates(nint device, out NvmlUtilization utilization);

    /// <summary>Fills each entry's value and per-field return code; callers set <see cref="NvmlFieldValue.FieldId"/>.</summary>
    NvmlReturn DeviceGetFieldValues(nint device, Span<NvmlFieldValue> values);

    NvmlReturn DeviceSetPowerManagementLimit(nint device, uint milliwatts);
}
