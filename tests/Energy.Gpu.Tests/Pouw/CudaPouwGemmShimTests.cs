using Energy.Gpu.Cuda;
using Energy.Gpu.Pouw;
using Energy.Gpu.Tests.Interop;
using Energy.TestSupport.Tools;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Pouw;

/// <summary>
/// CudaPouwGemm and the GPU bench with the real Kernels/pouw.cu behind the fake driver (compiled for the
/// CPU through the warp shim): the host's launches, arguments and buffers give the exact product, the
/// CPU reference's tickets (all verified) and the plain build's product.
/// </summary>
public sealed class CudaPouwGemmShimTests : IClassFixture<ShimPouwKernels>, IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("heatgrid-pouw-shim-").FullName;
    private readonly FakeCudaDriverApi _api = new();
    private readonly ShimPouwKernels _kernels;
    private readonly CudaContext _context;
    private readonly FakeTimeProvider _time = new(PouwFixtures.Now);

    public CudaPouwGemmShimTests(ShimPouwKernels kernels)
    {
        _kernels = kernels;
        kernels.Attach(_api);
        var runtime = CudaRuntime.Open(_api);
        _context = runtime.RetainPrimaryContext(runtime.Devices[0]);
    }

    public void Dispose()
    {
        _context.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    private KernelCompiler Compiler() => new(new FakeNvrtcApi(), new KernelCompilerOptions { CacheDirectory = _cache });

    [RequiresGccTheory]
    [InlineData(32, 48, 128, 8, 64, 2, 2, 2.0)]
    [InlineData(48, 32, 256, 64, 128, 4, 2, 3.0)]
    [InlineData(16, 16, 64, 1, 32, 1, 1, 1.0)]
    [InlineData(48, 32, 256, 64, 128, 2, 2, 3.0)]
    [InlineData(48, 32, 256, 8, 128, 4, 2, 3.0)]
    [InlineData(32, 32, 256, 64, 128, 2, 2, 3.0)]
    [InlineData(32, 32, 128, 64, 64, 2, 2, 3.0)]
    [InlineData(32, 32, 128, 32, 64, 2, 2, 3.0)]
    [InlineData(32, 32, 128, 16, 64, 2, 2, 3.0)]
    public void TheRealKernels_GiveTheExactProductAndTheReferencesTickets(int m, int n, int k, int rank, int chunk, int warpsM, int warpsN, double tilesPerTicket)
    {
        var p = new PouwParameters(m, n, k, rank, 16, 16, chunk);
        var random = new Random(m + n + k);
        var a = PouwFixtures.Operand(random, m, k, rank);
        var w = PouwFixtures.Operand(random, n, k, rank);
        var (registry, header) = PouwFixtures.Registered(a, w, p, tilesPerTicket);
        using var gemm = CudaPouwGemm.Load(_context, Compiler(), new CudaPouwGemmOptions { Kernel = new CudaPouwKernelOptions { WarpsM = warpsM, WarpsN = warpsN } }, timeProvider: _time);
        using var job = gemm.PrepareJob(header, w);
        var product = new int[m * n];
        var plain = new int[m * n];

        var result = gemm.MineBatch(job, header, a, new PouwVerifier(registry, _time), product);
        gemm.RunPlain(job, plain);

        var cpu = PouwCpuMiner.Mine(a, w, header);
        Assert.Equal(cpu.Product, plain);
        Assert.Equal(cpu.Product, product);
        Assert.Empty(result.Refused);
        Assert.Equal(cpu.Tickets.Select(t => t.Id).Order(StringComparer.Ordinal), result.Tickets.Select(t => t.Id).Order(StringComparer.Ordinal));
        Assert.Equal(cpu.Tickets.Count, result.WinnersReported);
        Assert.Contains(("pouw_mine", true), _kernels.Launches);
        if (tilesPerTicket == 1.0)
        {
            Assert.Equal(p.Tiles, result.Tickets.Count);
        }
    }

    [RequiresGccFact]
    public void TheGpuBench_OnTheRealKernels_VerifiesEveryTicketAndFindsTheProductExact()
    {
        var cublas = new FakeCublasApi();
        _ = new FakePouwKernels(_api, cublas);
        _kernels.Attach(_api);
        var result = PouwGpuBench.Run(_context, Compiler(), cublas, new PouwGpuBenchOptions
        {
            MineShape = new PouwParameters(32, 32, 256, 64, 16, 16, 64),
            ReferenceShape = new PouwParameters(32, 16, 128, 16, 16, 16, 32),
            TicketsPerBatch = 2,
            Warmup = 0,
            Repetitions = 1,
            VerifyRuns = 10,
        }, _time);

        Assert.True(result.TicketsFound > 0);
        Assert.Equal(result.TicketsFound, result.TicketsVerified);
        Assert.True(result.ProductExact);
        Assert.True(result.ReferenceExact);
        Assert.True(result.CublasExact);
    }
}
