namespace Energy.Gpu.Interop;

/// <summary>A cuBLAS call returned a status other than success.</summary>
public sealed class CublasException : Exception
{
    public CublasException(string function, CublasStatus status)
        : base($"{function} failed: {status.ToNvidiaName()} ({(int)status})")
    {
        Function = function;
        Status = status;
    }

    /// <summary>The cuBLAS C function, e.g. <c>cublasGemmEx</c>.</summary>
    public string Function { get; }

    public CublasStatus Status { get; }

    /// <summary>Throws unless <paramref name="status"/> is <see cref="CublasStatus.Success"/>.</summary>
    public static void ThrowIfFailed(CublasStatus status, string function)
    {
        if (status != CublasStatus.Success)
        {
            throw new CublasException(function, status);
        }
    }
}
