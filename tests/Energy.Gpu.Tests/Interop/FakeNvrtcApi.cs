using System.Text;
using Energy.Gpu.Interop;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Interop;

/// <summary>
/// Scripted NVRTC: "compiles" a source to bytes derived from it and the options, records each
/// compile, and can fail with a log. Advances <see cref="Clock"/> by <see cref="CompileTime"/> per compile.
/// </summary>
internal sealed class FakeNvrtcApi : INvrtcApi
{
    private readonly Dictionary<nint, (string Source, string Name)> _programs = [];
    private nint _next = 0x500;

    public int Major { get; set; } = 13;
    public int Minor { get; set; }
    public NvrtcResult CompileResult { get; set; } = NvrtcResult.Success;
    public string Log { get; set; } = string.Empty;
    public FakeTimeProvider? Clock { get; set; }
    public TimeSpan CompileTime { get; set; } = TimeSpan.FromMilliseconds(800);

    public List<IReadOnlyList<string>> Compiles { get; } = [];
    public int Destroyed { get; private set; }
    public int Live => _programs.Count;

    public NvrtcResult Version(out int major, out int minor)
    {
        major = Major;
        minor = Minor;
        return NvrtcResult.Success;
    }

    public NvrtcResult CreateProgram(string source, string name, out nint program)
    {
        program = _next += 8;
        _programs[program] = (source, name);
        return NvrtcResult.Success;
    }

    public NvrtcResult CompileProgram(nint program, IReadOnlyList<string> options)
    {
        Compiles.Add(options.ToArray());
        Clock?.Advance(CompileTime);
        return CompileResult;
    }

    public NvrtcResult GetProgramLog(nint program, out string log)
    {
        log = Log;
        return NvrtcResult.Success;
    }

    public NvrtcResult GetCubin(nint program, out byte[] cubin)
    {
        var (source, name) = _programs[program];
        cubin = Encoding.UTF8.GetBytes($"\u007fELF|{name}|{string.Join(' ', Compiles[^1])}|{source}");
        return NvrtcResult.Success;
    }

    public NvrtcResult DestroyProgram(nint program)
    {
        Destroyed++;
        _programs.Remove(program);
        return NvrtcResult.Success;
    }

    public string GetErrorString(NvrtcResult code) => code.ToNvidiaName();
}
