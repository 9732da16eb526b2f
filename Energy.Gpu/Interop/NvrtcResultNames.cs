namespace Energy.Gpu.Interop;

/// <summary>NVIDIA's spelling of an <see cref="NvrtcResult"/>, as <c>nvrtcGetErrorString</c> prints it.</summary>
public static class NvrtcResultNames
{
    /// <summary><see cref="NvrtcResult.InvalidOption"/> → <c>NVRTC_ERROR_INVALID_OPTION</c>.</summary>
    public static string ToNvidiaName(this NvrtcResult code)
    {
        if (code == NvrtcResult.Success)
        {
            return "NVRTC_SUCCESS";
        }

        return Enum.IsDefined(code)
            ? NvidiaConstantNames.FromPascal("NVRTC_ERROR", code.ToString())
            : $"NVRTC_ERROR({(int)code})";
    }
}
