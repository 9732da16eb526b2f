using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Energy.Gpu.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Gpu.Cuda;

/// <summary>
/// Compiles CUDA C with NVRTC straight to a CUBIN for one <c>sm_XX</c> architecture, and caches the
/// CUBIN on disk: one NVRTC compile takes 0.5–1.1 s (GPU.md), a cache hit a file read. The key is the
/// SHA-256 of the source, the options, the architecture and the NVRTC version, so a new toolkit or a
/// changed kernel never loads a stale image. NVRTC 13 rejects <c>-O3</c> (device code is optimised by
/// default); pass only NVRTC's own options.
/// </summary>
public sealed partial class KernelCompiler
{
    private readonly INvrtcApi _nvrtc;
    private readonly CubinCache _cache;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Lazy<string> _nvrtcVersion;

    public KernelCompiler(INvrtcApi nvrtc, KernelCompilerOptions? options = null, ILogger<KernelCompiler>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(nvrtc);
        _nvrtc = nvrtc;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _cache = new CubinCache(options?.CacheDirectory ?? KernelCompilerOptions.DefaultCacheDirectory(), _logger);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _nvrtcVersion = new Lazy<string>(ReadNvrtcVersion);
    }

    public string CacheDirectory => _cache.Directory;

    /// <summary><c>nvrtcVersion</c> as <c>13.0</c>; part of every cache key.</summary>
    public string NvrtcVersion => _nvrtcVersion.Value;

    /// <summary>
    /// The CUBIN of <paramref name="source"/> for <paramref name="architecture"/> (<c>sm_90</c>; see
    /// <see cref="CudaDevice.Architecture"/>), from the cache or compiled now.
    /// </summary>
    /// <param name="source">CUDA C; kernels declared <c>extern "C"</c> keep their names.</param>
    /// <param name="programName">Labels the compile log and the logs, e.g. <c>sha256d.cu</c>.</param>
    /// <param name="architecture">A real architecture, <c>sm_XX</c> (a <c>compute_XX</c> target yields no CUBIN).</param>
    /// <param name="options">Further NVRTC options, e.g. <c>--use_fast_math</c>; not the architecture.</param>
    /// <exception cref="NvrtcCompileException">The source did not compile; the exception carries NVRTC's log.</exception>
    public CompiledKernel Compile(string source, string programName, string architecture, IReadOnlyList<string>? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(programName);
        ValidateArchitecture(architecture);
        options ??= [];
        if (options.Any(o => o.StartsWith("--gpu-architecture", StringComparison.Ordinal) || o.StartsWith("-arch", StringComparison.Ordinal)))
        {
            throw new ArgumentException("Give the architecture as the architecture argument, not as an option.", nameof(options));
        }

        var key = CacheKey(source, architecture, options, NvrtcVersion);
        if (_cache.TryRead(key, out var cached))
        {
            Log.KernelCacheHit(_logger, programName, architecture, cached.Length, key);
            return new CompiledKernel(programName, architecture, cached, key, FromCache: true, CompileLog: string.Empty);
        }

        var started = _timeProvider.GetTimestamp();
        var (cubin, log) = CompileWithNvrtc(source, programName, [$"--gpu-architecture={architecture}", .. options]);
        Log.KernelCompiled(_logger, programName, architecture, NvrtcVersion, _timeProvider.GetElapsedTime(started).TotalMilliseconds, cubin.Length);
        if (log.Length > 0)
        {
            Log.KernelCompileLog(_logger, programName, architecture, log);
        }

        _cache.Write(key, cubin);
        return new CompiledKernel(programName, architecture, cubin, key, FromCache: false, CompileLog: log);
    }

    /// <summary>
    /// Lower-case hex SHA-256 over the length-prefixed UTF-8 of each input, so no two different inputs
    /// can run together into the same bytes.
    /// </summary>
    public static string CacheKey(string source, string architecture, IReadOnlyList<string> options, string nvrtcVersion)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, "heatgrid-cubin-v1");
        Append(hash, nvrtcVersion);
        Append(hash, architecture);
        Append(hash, source);
        Span<byte> count = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(count, options.Count);
        hash.AppendData(count);
        foreach (var option in options)
        {
            Append(hash, option);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private (byte[] Cubin, string Log) CompileWithNvrtc(string source, string programName, IReadOnlyList<string> options)
    {
        NvrtcException.ThrowIfFailed(_nvrtc.CreateProgram(source, programName, out var program), "nvrtcCreateProgram");
        try
        {
            var compiled = _nvrtc.CompileProgram(program, options);
            var logCode = _nvrtc.GetProgramLog(program, out var log);
            log = logCode == NvrtcResult.Success ? log.Trim() : string.Empty;
            if (compiled != NvrtcResult.Success)
            {
                throw new NvrtcCompileException(programName, compiled, log, options);
            }

            NvrtcException.ThrowIfFailed(_nvrtc.GetCubin(program, out var cubin), "nvrtcGetCUBIN");
            return (cubin, log);
        }
        finally
        {
            // The program is useless once the CUBIN is copied out; a failed destroy leaks only host memory.
            _ = _nvrtc.DestroyProgram(program);
        }
    }

    private string ReadNvrtcVersion()
    {
        NvrtcException.ThrowIfFailed(_nvrtc.Version(out var major, out var minor), "nvrtcVersion");
        return FormattableString.Invariant($"{major}.{minor}");
    }

    private static void ValidateArchitecture(string architecture)
    {
        if (architecture is null || !RealArchitecture().IsMatch(architecture))
        {
            throw new ArgumentException($"'{architecture}' is not a real GPU architecture like sm_90: NVRTC makes a CUBIN only for sm_XX.", nameof(architecture));
        }
    }

    private static void Append(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }

    // sm_90, sm_90a (architecture-specific), sm_100f (family-specific, CUDA 12.9+).
    [GeneratedRegex("^sm_[0-9]{2,3}[af]?$", RegexOptions.CultureInvariant)]
    private static partial Regex RealArchitecture();
}
