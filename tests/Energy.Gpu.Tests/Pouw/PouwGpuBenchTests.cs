using System.Text.Json;
using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Energy.Gpu.Pouw;
using Energy.Gpu.Tests.Interop;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Pouw;

/// <summary>The GPU bench through the fakes (kernels and cuBLAS played by the reference): what it runs, its figures and its JSON.</summary>
public sealed class PouwGpuBenchTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("heatgrid-pouw-bench-").FullName;
    private readonly FakeCudaDriverApi _api = new();
    private readonly FakeCublasApi _cublas = new();
    private readonly FakePouwKernels _kernels;
    private readonly CudaContext _context;

    public PouwGpuBenchTests()
    {
        _kernels = new FakePouwKernels(_api, _cublas);
        var runtime = CudaRuntime.Open(_api);
        _context = runtime.RetainPrimaryContext(runtime.Devices[0]);
    }

    public void Dispose()
    {
        _context.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    private static PouwGpuBenchOptions Options() => new()
    {
        MineShape = new PouwParameters(32, 48, 128, 8, 16, 16, 64),
        ReferenceShape = new PouwParameters(32, 32, 64, 8, 16, 16, 32),
        TicketsPerBatch = 3,
        Warmup = 1,
        Repetitions = 3,
        VerifyRuns = 10,
    };

    private PouwGpuBenchResult Run() =>
        PouwGpuBench.Run(_context, new KernelCompiler(new FakeNvrtcApi(), new KernelCompilerOptions { CacheDirectory = _cache }), _cublas, Options(), new FakeTimeProvider(DateTimeOffset.UtcNow));

    [Fact]
    public void Run_MinesVerifiesAndComparesThePouwBatchWithThePlainBuildAndCublas()
    {
        var result = Run();

        Assert.False(result.Simulated);
        Assert.Equal("NVIDIA H200", result.Device);
        Assert.True(result.TicketsFound > 0);
        Assert.Equal(result.TicketsFound, result.TicketsVerified);
        Assert.Equal(0, result.TicketsRefused);
        Assert.True(result.ProductExact);
        Assert.True(result.PlainProductExact);
        Assert.True(result.ReferenceExact);
        Assert.True(result.CublasExact);
        Assert.Equal(2.0, result.TilesPerTicket);

        // Every event pair reads 12.5 ms in the fake: a batch is three steps (noise, both projections, mine with the fused denoising).
        Assert.Equal(0.0375, result.PouwSeconds);
        Assert.Equal(0.0125, result.PlainSeconds);
        Assert.Equal(200, result.OverheadPct);
        Assert.Equal(200, result.OverheadVsCublasPct);
        Assert.Equal(12.5, result.Breakdown.WeightsNoiseMs);

        // The mine shape's batches (warm-up + 3), the reference batch, and the plain build 4 times.
        Assert.Equal(10, _kernels.Launches.Count(l => l.Name == "pouw_project"));
        Assert.Equal(5, _kernels.Launches.Count(l => l.Name == "pouw_mine" && !l.Plain));
        Assert.Equal(4, _kernels.Launches.Count(l => l.Plain));
        var gemm = Assert.Single(_cublas.Gemms.Select(g => (g.M, g.N, g.K, g.Lda, g.Ldb, g.Ldc)).Distinct());
        Assert.Equal((48, 32, 128, 128, 128, 48), gemm);
        Assert.Equal(4, _cublas.Gemms.Count);
        Assert.All(_cublas.Gemms, g => Assert.Equal(1, BitConverter.SingleToInt32Bits(g.Alpha)));
        Assert.All(_cublas.Gemms, g => Assert.Equal(0, BitConverter.SingleToInt32Bits(g.Beta)));
    }

    [Fact]
    public void ACublasFailure_IsReported_AndThePouwFiguresKept()
    {
        _cublas.Codes["cublasGemmEx"] = CublasStatus.NotSupported;

        var result = Run();

        Assert.Contains("cublasGemmEx", result.CublasError, StringComparison.Ordinal);
        Assert.False(result.CublasExact);
        Assert.True(double.IsNaN(result.CublasSeconds));
        Assert.True(result.ProductExact);
        Assert.Equal(result.TicketsFound, result.TicketsVerified);
        Assert.Equal(200, result.OverheadPct);
    }

    [Fact]
    public void Json_HasTheSimulatedBenchsFields_AndTheGpuExtras()
    {
        var gpu = JsonDocument.Parse(PouwGpuBench.ToJson(Run())).RootElement;
        var simulated = PouwBench.RunCpu(new PouwBenchOptions
        {
            MineShape = new PouwParameters(32, 32, 64, 8, 16, 16, 32),
            VerifyShape = new PouwParameters(16, 16, 64, 8, 16, 16, 32),
            TilesPerTicket = 1,
            VerifyRuns = 10,
            Repetitions = 1,
        }, TimeProvider.System);
        var cpu = JsonDocument.Parse(PouwBench.ToJson(simulated)).RootElement;

        foreach (var field in cpu.EnumerateObject())
        {
            Assert.True(gpu.TryGetProperty(field.Name, out var value), "missing " + field.Name);
            Assert.Equal(field.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? "bool" : field.Value.ValueKind.ToString(),
                value.ValueKind is JsonValueKind.True or JsonValueKind.False ? "bool" : value.ValueKind.ToString());
        }

        Assert.False(gpu.GetProperty("simulated").GetBoolean());
        Assert.Equal(8192 / 8192 * 32, gpu.GetProperty("mineShape").GetProperty("m").GetInt32());
        foreach (var name in new[] { "cublasSeconds", "cublasTops", "overheadVsCublasPct", "referenceExact", "ticketsRefused", "compileOptions" })
        {
            Assert.True(gpu.TryGetProperty(name, out _), "missing " + name);
        }

        var breakdown = gpu.GetProperty("breakdown");
        foreach (var name in new[] { "uploadMs", "noiseMs", "projectMs", "mineMs", "downloadMs", "weightsNoiseMs", "hostRootMs", "hostTicketsMs" })
        {
            Assert.True(breakdown.TryGetProperty(name, out _), "missing breakdown." + name);
        }
    }
}
