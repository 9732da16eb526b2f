using System.Runtime.InteropServices;

namespace Energy.Gpu.Interop;

/// <summary>
/// <c>nvmlFieldValue_t</c> (nvml.h): fieldId, scopeId (uint), timestamp, latencyUsec (long long, µs),
/// valueType, nvmlReturn (enums, 4 bytes), value (8-byte union): 40 bytes, value at offset 32.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct NvmlFieldValue
{
    public uint FieldId;
    public uint ScopeId;
    public long TimestampMicroseconds;
    public long LatencyMicroseconds;
    public NvmlValueType ValueType;
    public NvmlReturn NvmlReturn;
    public NvmlValue Value;

    /// <summary><c>NVML_FI_DEV_POWER_INSTANT</c>: instantaneous board power in mW, refreshed about every 25 ms.</summary>
    public const uint FieldDevicePowerInstant = 186;

    /// <summary>The value as an unsigned integer, whichever integer type NVML chose.</summary>
    public readonly ulong AsUInt64() => ValueType switch
    {
        NvmlValueType.DoublePrecision => checked((ulong)Value.DVal),
        NvmlValueType.UnsignedInt => Value.UiVal,
        NvmlValueType.UnsignedShort => Value.UsVal,
        NvmlValueType.SignedInt => checked((ulong)Value.SiVal),
        NvmlValueType.SignedLongLong => checked((ulong)Value.SllVal),
        _ => Value.UllVal,
    };
}
