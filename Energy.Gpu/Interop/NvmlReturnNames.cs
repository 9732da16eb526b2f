using System.Text;

namespace Energy.Gpu.Interop;

/// <summary>NVIDIA's spelling of a return code, as in nvml.h and the driver's logs.</summary>
public static class NvmlReturnNames
{
    /// <summary><see cref="NvmlReturn.GpuIsLost"/> → <c>NVML_ERROR_GPU_IS_LOST</c>.</summary>
    public static string ToNvidiaName(this NvmlReturn code)
    {
        if (code == NvmlReturn.Success)
        {
            return "NVML_SUCCESS";
        }

        if (!Enum.IsDefined(code))
        {
            return $"NVML_ERROR({(int)code})";
        }

        var pascal = code.ToString();
        var name = new StringBuilder("NVML_ERROR", pascal.Length + 16);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c))
            {
                name.Append('_');
            }

            name.Append(char.ToUpperInvariant(c));
        }

        return name.ToString();
    }
}
