namespace Energy.Gpu.Interop;

/// <summary>
/// <c>nvrtcCompileProgram</c> refused a kernel. <see cref="Log"/> is NVRTC's program log, the
/// compiler's own errors with line numbers: the part a developer needs, so it is in the message too.
/// </summary>
public sealed class NvrtcCompileException : Exception
{
    public NvrtcCompileException(string programName, NvrtcResult code, string log, IReadOnlyList<string> options)
        : base(Describe(programName, code, log, options))
    {
        ProgramName = programName;
        Code = code;
        Log = log;
        Options = options;
    }

    /// <summary>The name given to <c>nvrtcCreateProgram</c>; NVRTC prefixes log lines with it.</summary>
    public string ProgramName { get; }

    public NvrtcResult Code { get; }

    /// <summary>The program log (<c>nvrtcGetProgramLog</c>), possibly empty.</summary>
    public string Log { get; }

    public IReadOnlyList<string> Options { get; }

    private static string Describe(string programName, NvrtcResult code, string log, IReadOnlyList<string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var head = $"nvrtcCompileProgram failed for {programName} ({string.Join(' ', options)}): {code.ToNvidiaName()} ({(int)code})";
        var trimmed = log?.Trim() ?? string.Empty;
        return trimmed.Length == 0 ? head : $"{head}{Environment.NewLine}{trimmed}";
    }
}
