using Energy.Gpu.Interop;

namespace Energy.Gpu.Tests.Interop;

/// <summary>Scripted NVML: values in nvml.h units, and a return code per function name.</summary>
internal sealed class FakeNvmlApi : INvmlApi
{
    public Dictionary<string, NvmlReturn> Codes { get; } = [];

    public NvmlReturn InstantFieldCode { get; set; }

    public uint PowerMilliwatts { get; set; } = 386_000;
    public uint InstantMilliwatts { get; set; } = 412_500;
    public ulong EnergyMillijoules { get; set; } = 1_234_567;
    public uint Celsius { get; set; } = 54;
    public uint MinMilliwatts { get; set; } = 200_000;
    public uint MaxMilliwatts { get; set; } = 700_000;
    public uint DefaultMilliwatts { get; set; } = 700_000;
    public uint EnforcedMilliwatts { get; set; } = 700_000;
    public ulong Reasons { get; set; }
    public List<uint> SetCalls { get; } = [];

    /// <summary>Every call, by C name.</summary>
    public List<string> Calls { get; } = [];

    private NvmlReturn Code(string function)
    {
        Calls.Add(function);
        return Codes.GetValueOrDefault(function, NvmlReturn.Success);
    }

    public NvmlReturn Init() => Code("nvmlInit_v2");
    public NvmlReturn Shutdown() => Code("nvmlShutdown");
    public uint DeviceCount { get; set; } = 1;
    public string Name { get; set; } = "NVIDIA H200";
    public string DriverVersion { get; set; } = "580.159.03";
    public NvmlReturn SystemGetDriverVersion(out string version) { version = DriverVersion; return Code("nvmlSystemGetDriverVersion"); }
    public NvmlReturn DeviceGetCount(out uint count) { count = DeviceCount; return Code("nvmlDeviceGetCount_v2"); }
    /// <summary>UUIDs by NVML index (index i's handle is 0x1650 + i); index 0 is <see cref="FakeCudaDriverApi"/>'s device.</summary>
    public List<string> Uuids { get; } = ["GPU-5e1f0a3b-9c2d-4e8f-a1b2-c3d4e5f60718"];
    public NvmlReturn DeviceGetHandleByIndex(uint index, out nint device) { device = 0x1650 + (nint)index; return Code("nvmlDeviceGetHandleByIndex_v2"); }
    public NvmlReturn DeviceGetName(nint device, out string name) { name = Name; return Code("nvmlDeviceGetName"); }
    public NvmlReturn DeviceGetUuid(nint device, out string uuid) { uuid = Uuids[(int)(device - 0x1650)]; return Code("nvmlDeviceGetUUID"); }
    public NvmlReturn DeviceGetPowerUsage(nint device, out uint milliwatts) { milliwatts = PowerMilliwatts; return Code("nvmlDeviceGetPowerUsage"); }
    public NvmlReturn DeviceGetTotalEnergyConsumption(nint device, out ulong millijoules) { millijoules = EnergyMillijoules; return Code("nvmlDeviceGetTotalEnergyConsumption"); }
    public NvmlReturn DeviceGetTemperature(nint device, NvmlTemperatureSensor sensor, out uint celsius) { celsius = Celsius; return Code("nvmlDeviceGetTemperature"); }
    public NvmlReturn DeviceGetClockInfo(nint device, NvmlClockType type, out uint megahertz) { megahertz = 1980; return Code("nvmlDeviceGetClockInfo"); }
    public NvmlReturn DeviceGetPowerManagementLimitConstraints(nint device, out uint minMilliwatts, out uint maxMilliwatts)
    {
        minMilliwatts = MinMilliwatts;
        maxMilliwatts = MaxMilliwatts;
        return Code("nvmlDeviceGetPowerManagementLimitConstraints");
    }
    public NvmlReturn DeviceGetPowerManagementDefaultLimit(nint device, out uint milliwatts) { milliwatts = DefaultMilliwatts; return Code("nvmlDeviceGetPowerManagementDefaultLimit"); }
    public NvmlReturn DeviceGetEnforcedPowerLimit(nint device, out uint milliwatts) { milliwatts = EnforcedMilliwatts; return Code("nvmlDeviceGetEnforcedPowerLimit"); }
    public NvmlReturn DeviceGetCurrentClocksEventReasons(nint device, out ulong reasons) { reasons = Reasons; return Code("nvmlDeviceGetCurrentClocksEventReasons"); }
    public NvmlReturn DeviceGetCurrentClocksThrottleReasons(nint device, out ulong reasons) { reasons = Reasons; return Code("nvmlDeviceGetCurrentClocksThrottleReasons"); }
    public NvmlReturn DeviceGetUtilizationRates(nint device, out NvmlUtilization utilization) { utilization = new NvmlUtilization { Gpu = 97, Memory = 40 }; return Code("nvmlDeviceGetUtilizationRates"); }

    public NvmlReturn DeviceGetFieldValues(nint device, Span<NvmlFieldValue> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i].NvmlReturn = values[i].FieldId == NvmlFieldValue.FieldDevicePowerInstant ? InstantFieldCode : NvmlReturn.NotSupported;
            values[i].ValueType = NvmlValueType.UnsignedInt;
            values[i].Value.UiVal = InstantMilliwatts;
        }

        return Code("nvmlDeviceGetFieldValues");
    }

    public NvmlReturn DeviceSetPowerManagementLimit(nint device, uint milliwatts)
    {
        SetCalls.Add(milliwatts);
        return Code("nvmlDeviceSetPowerManagementLimit");
    }
}
