namespace Energy.Gpu.Interop;

/// <summary>An NVRTC call other than the compile itself failed (see <see cref="NvrtcCompileException"/>).</summary>
public sealed class NvrtcException : Exception
{
    public NvrtcException(string function, NvrtcResult code)
        : base($"{function} failed: {code.ToNvidiaName()} ({(int)code})")
    {
        Function = function;
        Code = code;
    }

    /// <summary>The NVRTC C function, e.g. <c>nvrtcGetCUBIN</c>.</summary>
    public string Function { get; }

    public NvrtcResult Code { get; }

    /// <summary>Throws unless <paramref name="code"/> is <see cref="NvrtcResult.Success"/>.</summary>
    public static void ThrowIfFailed(NvrtcResult code, string function)
    {
        if (code != NvrtcResult.Success)
        {
            throw new NvrtcException(function, code);
        }
    }
}
