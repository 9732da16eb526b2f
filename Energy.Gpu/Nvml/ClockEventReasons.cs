namespace Energy.Gpu.Nvml;

/// <summary><c>nvmlClocksEventReason*</c> bits (nvml.h): why the clocks are below their maximum.</summary>
[Flags]
#pragma warning disable CA1028 // The mask is NVML's unsigned long long.
public enum ClockEventReasons : ulong
#pragma warning restore CA1028
{
    None = 0,
    GpuIdle = 0x1,
    ApplicationsClocksSetting = 0x2,
    SoftwarePowerCap = 0x4,
    HardwareSlowdown = 0x8,
    SyncBoost = 0x10,
    SoftwareThermalSlowdown = 0x20,
    HardwareThermalSlowdown = 0x40,
    HardwarePowerBrakeSlowdown = 0x80,
    DisplayClockSetting = 0x100,
}
