namespace Energy.Gpu.Interop;

/// <summary>A CUDA driver API call returned a code other than success (or a state its caller handles).</summary>
public sealed class CudaException : Exception
{
    public CudaException(string function, CuResult code, string? description = null)
        : base(string.IsNullOrEmpty(description)
            ? $"{function} failed: {code.ToNvidiaName()} ({(int)code})"
            : $"{function} failed: {code.ToNvidiaName()} ({(int)code}): {description}")
    {
        Function = function;
        Code = code;
    }

    /// <summary>The driver API C function, e.g. <c>cuModuleLoadData</c>.</summary>
    public string Function { get; }

    public CuResult Code { get; }

    /// <summary>
    /// Throws unless <paramref name="code"/> is <see cref="CuResult.Success"/>; the message carries the
    /// driver's own description (<c>cuGetErrorString</c>) where it has one.
    /// </summary>
    public static void ThrowIfFailed(ICudaDriverApi api, CuResult code, string function)
    {
        ArgumentNullException.ThrowIfNull(api);
        if (code != CuResult.Success)
        {
            throw Create(api, code, function);
        }
    }

    /// <summary>The exception for <paramref name="code"/>, described by the driver.</summary>
    public static CudaException Create(ICudaDriverApi api, CuResult code, string function)
    {
        ArgumentNullException.ThrowIfNull(api);
        var description = api.GetErrorString(code, out var text) == CuResult.Success ? text : null;
        return new CudaException(function, code, description);
    }
}
