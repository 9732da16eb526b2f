namespace Energy.Gpu.Interop;

/// <summary><see cref="INvrtcApi"/> over <c>libnvrtc.so.13</c> (or <c>.12</c>).</summary>
public sealed unsafe class NvrtcApi : INvrtcApi
{
    private NvrtcApi()
    {
    }

    /// <summary>Loads NVRTC, or says what to install.</summary>
    public static bool TryCreate(out NvrtcApi? api, out string reason)
    {
        NativeLibraries.Register();
        if (!NativeLibraries.TryLoad(NativeLibraries.Nvrtc, out _, out reason))
        {
            api = null;
            return false;
        }

        api = new NvrtcApi();
        return true;
    }

    public NvrtcResult Version(out int major, out int minor)
    {
        int ma, mi;
        var code = Nvrtc.nvrtcVersion(&ma, &mi);
        major = ma;
        minor = mi;
        return code;
    }

    public NvrtcResult CreateProgram(string source, string name, out nint program)
    {
        nint value;
        NvrtcResult code;
        fixed (byte* src = NativeStrings.ToUtf8Z(source))
        fixed (byte* label = NativeStrings.ToUtf8Z(name))
        {
            code = Nvrtc.nvrtcCreateProgram(&value, src, label, 0, null, null);
        }

        program = value;
        return code;
    }

    public NvrtcResult CompileProgram(nint program, IReadOnlyList<string> options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // All options in one pinned block of NUL-terminated strings, and a char** into it.
        var encoded = options.Select(NativeStrings.ToUtf8Z).ToArray();
        var block = encoded.SelectMany(o => o).ToArray();
        var pointers = new nint[encoded.Length];
        fixed (byte* start = block)
        fixed (nint* p = pointers)
        {
            var offset = 0;
            for (var i = 0; i < encoded.Length; i++)
            {
                pointers[i] = (nint)(start + offset);
                offset += encoded[i].Length;
            }

            return Nvrtc.nvrtcCompileProgram(program, pointers.Length, (byte**)p);
        }
    }

    public NvrtcResult GetProgramLog(nint program, out string log)
    {
        log = string.Empty;
        nuint size;
        var code = Nvrtc.nvrtcGetProgramLogSize(program, &size);
        if (code != NvrtcResult.Success || size <= 1)
        {
            return code;
        }

        var buffer = new byte[checked((int)size)];
        fixed (byte* p = buffer)
        {
            code = Nvrtc.nvrtcGetProgramLog(program, p);
        }

        if (code == NvrtcResult.Success)
        {
            log = NativeStrings.FromBuffer(buffer);
        }

        return code;
    }

    public NvrtcResult GetCubin(nint program, out byte[] cubin)
    {
        cubin = [];
        nuint size;
        var code = Nvrtc.nvrtcGetCUBINSize(program, &size);
        if (code != NvrtcResult.Success)
        {
            return code;
        }

        var buffer = new byte[checked((int)size)];
        fixed (byte* p = buffer)
        {
            code = Nvrtc.nvrtcGetCUBIN(program, p);
        }

        if (code == NvrtcResult.Success)
        {
            cubin = buffer;
        }

        return code;
    }

    public NvrtcResult DestroyProgram(nint program) => Nvrtc.nvrtcDestroyProgram(&program);

    public string GetErrorString(NvrtcResult code) => NativeStrings.FromPointer(Nvrtc.nvrtcGetErrorString(code));
}
