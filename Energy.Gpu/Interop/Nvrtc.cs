using System.Runtime.InteropServices;

namespace Energy.Gpu.Interop;

/// <summary>
/// NVRTC entry points (nvrtc.h, CUDA 13), names verbatim. <c>nvrtcProgram</c> is an opaque pointer;
/// sizes are <c>size_t</c> and include the terminating NUL for the log. Resolved through
/// <see cref="NativeLibraries"/> (<c>libnvrtc.so.13</c>, then <c>.12</c>).
/// </summary>
internal static unsafe partial class Nvrtc
{
    private const string Lib = NativeLibraries.Nvrtc;

    [LibraryImport(Lib, EntryPoint = "nvrtcVersion")]
    internal static partial NvrtcResult nvrtcVersion(int* major, int* minor);

    [LibraryImport(Lib, EntryPoint = "nvrtcCreateProgram")]
    internal static partial NvrtcResult nvrtcCreateProgram(
        nint* prog, byte* src, byte* name, int numHeaders, byte** headers, byte** includeNames);

    [LibraryImport(Lib, EntryPoint = "nvrtcCompileProgram")]
    internal static partial NvrtcResult nvrtcCompileProgram(nint prog, int numOptions, byte** options);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetProgramLogSize")]
    internal static partial NvrtcResult nvrtcGetProgramLogSize(nint prog, nuint* logSizeRet);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetProgramLog")]
    internal static partial NvrtcResult nvrtcGetProgramLog(nint prog, byte* log);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetCUBINSize")]
    internal static partial NvrtcResult nvrtcGetCUBINSize(nint prog, nuint* cubinSizeRet);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetCUBIN")]
    internal static partial NvrtcResult nvrtcGetCUBIN(nint prog, byte* cubin);

    [LibraryImport(Lib, EntryPoint = "nvrtcDestroyProgram")]
    internal static partial NvrtcResult nvrtcDestroyProgram(nint* prog);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetErrorString")]
    internal static partial byte* nvrtcGetErrorString(NvrtcResult result);
}
