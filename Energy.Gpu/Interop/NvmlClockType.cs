namespace Energy.Gpu.Interop;

/// <summary><c>nvmlClockType_t</c> (nvml.h).</summary>
public enum NvmlClockType
{
    Graphics = 0,
    Sm = 1,
    Memory = 2,
    Video = 3,
}
