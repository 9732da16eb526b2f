namespace Energy.Gpu.Interop;

/// <summary><c>nvmlValueType_t</c> (nvml.h).</summary>
public enum NvmlValueType
{
    DoublePrecision = 0,
    UnsignedInt = 1,
    UnsignedLong = 2,
    UnsignedLongLong = 3,
    SignedLongLong = 4,
    SignedInt = 5,
    UnsignedShort = 6,
}
