using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Energy.Gpu.Tests.Interop;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Cuda;

public sealed class KernelCompilerTests : IDisposable
{
    private const string Source = "extern \"C\" __global__ void fill(unsigned int* out) { out[threadIdx.x] = threadIdx.x; }";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "heatgrid-cubin-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new();
    private readonly FakeNvrtcApi _nvrtc;
    private readonly CapturingLogger<KernelCompiler> _logger = new();

    public KernelCompilerTests() => _nvrtc = new FakeNvrtcApi { Clock = _clock };

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private KernelCompiler Compiler(string? directory = null) =>
        new(_nvrtc, new KernelCompilerOptions { CacheDirectory = directory ?? _directory }, _logger, _clock);

    private string SingleCacheFile() => Assert.Single(Directory.GetFiles(_directory));

    [Fact]
    public void Compile_Miss_CompilesForTheArchitectureAndCachesTheCubin()
    {
        var kernel = Compiler().Compile(Source, "fill.cu", "sm_90", ["--use_fast_math"]);

        Assert.False(kernel.FromCache);
        Assert.Equal(["--gpu-architecture=sm_90", "--use_fast_math"], Assert.Single(_nvrtc.Compiles));
        Assert.StartsWith("\u007fELF|fill.cu|", System.Text.Encoding.UTF8.GetString(kernel.Cubin.Span), StringComparison.Ordinal);
        Assert.Equal(kernel.CacheKey + ".cubin", Path.GetFileName(SingleCacheFile()));
        Assert.Equal(0, _nvrtc.Live);
        Assert.Equal("Kernel fill.cu compiled for sm_90 by NVRTC 13.0 in 800 ms (" + kernel.Cubin.Length + " bytes)",
            Assert.Single(_logger.WithEventId(2111)).Message);
    }

    [Fact]
    public void Compile_SameInputsAgain_IsACacheHitWithoutNvrtc()
    {
        var first = Compiler().Compile(Source, "fill.cu", "sm_90");

        var second = Compiler().Compile(Source, "fill.cu", "sm_90");

        Assert.Single(_nvrtc.Compiles);
        Assert.True(second.FromCache);
        Assert.Equal(first.Cubin.ToArray(), second.Cubin.ToArray());
        Assert.Equal(first.CacheKey, second.CacheKey);
        Assert.Single(_logger.WithEventId(2110));
    }

    [Fact]
    public void Compile_OtherSourceArchitectureOrOptions_CompilesAgain()
    {
        var compiler = Compiler();
        compiler.Compile(Source, "fill.cu", "sm_90");
        compiler.Compile(Source + "\n", "fill.cu", "sm_90");
        compiler.Compile(Source, "fill.cu", "sm_89");
        compiler.Compile(Source, "fill.cu", "sm_90", ["--use_fast_math"]);

        Assert.Equal(4, _nvrtc.Compiles.Count);
        Assert.Equal(4, Directory.GetFiles(_directory, "*.cubin").Length);
    }

    [Fact]
    public void CacheKey_ChangesWithEveryInput_AndIsStable()
    {
        var key = KernelCompiler.CacheKey("src", "sm_90", ["-a", "-b"], "13.0");

        Assert.Equal(key, KernelCompiler.CacheKey("src", "sm_90", ["-a", "-b"], "13.0"));
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.NotEqual(key, KernelCompiler.CacheKey("src2", "sm_90", ["-a", "-b"], "13.0"));
        Assert.NotEqual(key, KernelCompiler.CacheKey("src", "sm_100", ["-a", "-b"], "13.0"));
        Assert.NotEqual(key, KernelCompiler.CacheKey("src", "sm_90", ["-b", "-a"], "13.0"));
        Assert.NotEqual(key, KernelCompiler.CacheKey("src", "sm_90", ["-a-b"], "13.0"));
        Assert.NotEqual(key, KernelCompiler.CacheKey("src", "sm_90", ["-a", "-b"], "13.1"));
    }

    [Fact]
    public void Compile_NewNvrtcVersion_DoesNotReuseTheOldCubin()
    {
        Compiler().Compile(Source, "fill.cu", "sm_90");
        _nvrtc.Minor = 1;

        var kernel = Compiler().Compile(Source, "fill.cu", "sm_90");

        Assert.False(kernel.FromCache);
        Assert.Equal(2, _nvrtc.Compiles.Count);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    public void Compile_CorruptCacheEntry_RecompilesAndRewritesIt(byte[] garbage)
    {
        var first = Compiler().Compile(Source, "fill.cu", "sm_90");
        File.WriteAllBytes(SingleCacheFile(), garbage);

        var second = Compiler().Compile(Source, "fill.cu", "sm_90");
        var third = Compiler().Compile(Source, "fill.cu", "sm_90");

        Assert.False(second.FromCache);
        Assert.True(third.FromCache);
        Assert.Equal(first.Cubin.ToArray(), third.Cubin.ToArray());
        Assert.Equal(2, _nvrtc.Compiles.Count);
        Assert.Equal(LogLevel.Warning, Assert.Single(_logger.WithEventId(2113)).Level);
    }

    [Fact]
    public void Compile_FlippedByteInCachedImage_FailsTheChecksum()
    {
        Compiler().Compile(Source, "fill.cu", "sm_90");
        var path = SingleCacheFile();
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        var kernel = Compiler().Compile(Source, "fill.cu", "sm_90");

        Assert.False(kernel.FromCache);
        Assert.Contains("checksum mismatch", Assert.Single(_logger.WithEventId(2113)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_UnreadableEntry_CompilesAndLogsInsteadOfFailing()
    {
        var key = KernelCompiler.CacheKey(Source, "sm_90", [], "13.0");
        Directory.CreateDirectory(Path.Combine(_directory, key + ".cubin"));

        var kernel = Compiler().Compile(Source, "fill.cu", "sm_90");

        Assert.False(kernel.FromCache);
        Assert.Single(_logger.WithEventId(2114));
        Assert.Single(_logger.WithEventId(2115));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void Compile_CacheDirectoryNotCreatable_StillReturnsTheCubin()
    {
        Directory.CreateDirectory(_directory);
        var blocker = Path.Combine(_directory, "a-file");
        File.WriteAllText(blocker, "not a directory");

        var kernel = Compiler(Path.Combine(blocker, "cubin")).Compile(Source, "fill.cu", "sm_90");

        Assert.False(kernel.Cubin.IsEmpty);
        Assert.Single(_logger.WithEventId(2115));
    }

    [Fact]
    public void Compile_LeavesNoTemporaryFiles()
    {
        var compiler = Compiler();
        compiler.Compile(Source, "a.cu", "sm_90");
        compiler.Compile(Source, "a.cu", "sm_80");

        Assert.All(Directory.GetFiles(_directory), f => Assert.EndsWith(".cubin", f, StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_SourceError_ThrowsWithTheLogAndCachesNothing()
    {
        _nvrtc.CompileResult = NvrtcResult.Compilation;
        _nvrtc.Log = "fill.cu(1): error: identifier \"threadIdy\" is undefined\n\n1 error detected in the compilation of \"fill.cu\".\n";

        var ex = Assert.Throws<NvrtcCompileException>(() => Compiler().Compile(Source, "fill.cu", "sm_90"));

        Assert.Equal(NvrtcResult.Compilation, ex.Code);
        Assert.StartsWith("fill.cu(1): error: identifier \"threadIdy\" is undefined", ex.Log, StringComparison.Ordinal);
        Assert.Contains("threadIdy", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["--gpu-architecture=sm_90"], ex.Options);
        Assert.Equal(1, _nvrtc.Destroyed);
        Assert.False(Directory.Exists(_directory) && Directory.EnumerateFileSystemEntries(_directory).Any());
    }

    [Fact]
    public void Compile_WarningsInLog_AreReturnedAndLogged()
    {
        _nvrtc.Log = "fill.cu(1): warning: variable \"unused\" was declared but never referenced\n";

        var kernel = Compiler().Compile(Source, "fill.cu", "sm_90");

        Assert.Equal("fill.cu(1): warning: variable \"unused\" was declared but never referenced", kernel.CompileLog);
        Assert.Equal(LogLevel.Warning, Assert.Single(_logger.WithEventId(2112)).Level);
    }

    [Theory]
    [InlineData("compute_90")]
    [InlineData("90")]
    [InlineData("sm_9")]
    [InlineData("")]
    public void Compile_NotARealArchitecture_IsRejected(string architecture)
    {
        Assert.Throws<ArgumentException>(() => Compiler().Compile(Source, "fill.cu", architecture));
        Assert.Empty(_nvrtc.Compiles);
    }

    [Theory]
    [InlineData("sm_90a")]
    [InlineData("sm_100")]
    [InlineData("sm_120f")]
    public void Compile_ArchitectureVariants_AreAccepted(string architecture)
    {
        Compiler().Compile(Source, "fill.cu", architecture);

        Assert.Equal($"--gpu-architecture={architecture}", Assert.Single(_nvrtc.Compiles)[0]);
    }

    [Fact]
    public void Compile_ArchitectureAmongOptions_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => Compiler().Compile(Source, "fill.cu", "sm_90", ["--gpu-architecture=sm_80"]));
    }

    [Theory]
    [InlineData("/var/cache/x", "/var/cache/x/heatgrid/cubin")]
    [InlineData("relative/cache", "/home/op/.cache/heatgrid/cubin")]
    [InlineData("", "/home/op/.cache/heatgrid/cubin")]
    [InlineData(null, "/home/op/.cache/heatgrid/cubin")]
    public void DefaultCacheDirectory_FollowsXdg(string? xdgCacheHome, string expected)
    {
        Assert.Equal(expected, KernelCompilerOptions.DefaultCacheDirectory(
            name => name == "XDG_CACHE_HOME" ? xdgCacheHome : null, "/home/op"));
    }
}
