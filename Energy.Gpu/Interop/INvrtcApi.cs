namespace Energy.Gpu.Interop;

/// <summary>
/// The raw NVRTC calls as a seam, return codes untouched. The size-then-fill pairs
/// (<c>nvrtcGetProgramLogSize</c>/<c>nvrtcGetProgramLog</c>, <c>nvrtcGetCUBINSize</c>/<c>nvrtcGetCUBIN</c>)
/// are one call each here. <see cref="NvrtcApi"/> calls the library; tests script a fake.
/// </summary>
public interface INvrtcApi
{
    /// <summary><c>nvrtcVersion</c>: 13, 0 for CUDA 13.0.</summary>
    NvrtcResult Version(out int major, out int minor);

    /// <summary><c>nvrtcCreateProgram</c> without headers; <paramref name="name"/> labels the log.</summary>
    NvrtcResult CreateProgram(string source, string name, out nint program);

    NvrtcResult CompileProgram(nint program, IReadOnlyList<string> options);

    NvrtcResult GetProgramLog(nint program, out string log);

    /// <summary>The compiled CUBIN; only after compiling with <c>--gpu-architecture=sm_XX</c> (not compute_XX).</summary>
    NvrtcResult GetCubin(nint program, out byte[] cubin);

    NvrtcResult DestroyProgram(nint program);

    /// <summary><c>nvrtcGetErrorString</c>: <c>NVRTC_ERROR_COMPILATION</c>.</summary>
    string GetErrorString(NvrtcResult code);
}
