namespace Energy.Gpu.Interop;

/// <summary>An NVML call returned a code that is neither success nor a capability state.</summary>
public sealed class NvmlException : Exception
{
    public NvmlException(string function, NvmlReturn code)
        : base($"{function} failed: {code.ToNvidiaName()} ({(int)code})")
    {
        Function = function;
        Code = code;
    }

    /// <summary>The NVML C function, e.g. <c>nvmlDeviceGetPowerUsage</c>.</summary>
    public string Function { get; }

    public NvmlReturn Code { get; }

    /// <summary>Throws unless <paramref name="code"/> is <see cref="NvmlReturn.Success"/>.</summary>
    public static void ThrowIfFailed(NvmlReturn code, string function)
    {
        if (code != NvmlReturn.Success)
        {
            throw new NvmlException(function, code);
        }
    }
}
