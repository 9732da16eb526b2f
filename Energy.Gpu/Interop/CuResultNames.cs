namespace Energy.Gpu.Interop;

/// <summary>NVIDIA's spelling of a <see cref="CuResult"/>, as <c>cuGetErrorName</c> prints it.</summary>
public static class CuResultNames
{
    /// <summary><see cref="CuResult.InvalidPtx"/> → <c>CUDA_ERROR_INVALID_PTX</c>.</summary>
    public static string ToNvidiaName(this CuResult code)
    {
        if (code == CuResult.Success)
        {
            return "CUDA_SUCCESS";
        }

        return Enum.IsDefined(code)
            ? NvidiaConstantNames.FromPascal("CUDA_ERROR", code.ToString())
            : $"CUDA_ERROR({(int)code})";
    }
}
