namespace Energy.Gpu.Interop;

/// <summary>NVIDIA's spelling of a <see cref="CublasStatus"/>.</summary>
public static class CublasStatusNames
{
    /// <summary><see cref="CublasStatus.NotSupported"/> → <c>CUBLAS_STATUS_NOT_SUPPORTED</c>.</summary>
    public static string ToNvidiaName(this CublasStatus status) =>
        Enum.IsDefined(status)
            ? NvidiaConstantNames.FromPascal("CUBLAS_STATUS", status.ToString())
            : $"CUBLAS_STATUS({(int)status})";
}
