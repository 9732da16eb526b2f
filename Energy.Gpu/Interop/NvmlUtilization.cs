using System.Runtime.InteropServices;

namespace Energy.Gpu.Interop;

/// <summary><c>nvmlUtilization_t</c> (nvml.h): percent of the last sample period busy.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct NvmlUtilization
{
    public uint Gpu;
    public uint Memory;
}
