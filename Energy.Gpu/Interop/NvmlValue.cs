using System.Runtime.InteropServices;

namespace Energy.Gpu.Interop;

/// <summary>
/// <c>nvmlValue_t</c> (nvml.h): an 8-byte union, members named as there; <c>unsigned long</c> is
/// 8 bytes on LP64 Linux.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
public struct NvmlValue
{
    [FieldOffset(0)] public double DVal;
    [FieldOffset(0)] public int SiVal;
    [FieldOffset(0)] public uint UiVal;
    [FieldOffset(0)] public ulong UlVal;
    [FieldOffset(0)] public ulong UllVal;
    [FieldOffset(0)] public long SllVal;
    [FieldOffset(0)] public ushort UsVal;
}
