using Energy.Contracts.Units;
using Energy.Gpu.Control;
using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Energy.Gpu.Simulation;
using Energy.Gpu.Tests.Interop;
using Energy.Gpu.Workloads;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Workloads;

/// <summary>GEMM bursts through the fake driver and cuBLAS; each fake GEMM takes its FLOPs at 1 GFLOP/s on a fake clock.</summary>
public sealed class CudaGemmWorkTests : IDisposable
{
    private const double FakeFlopsPerSecond = 1e9;

    // Two shapes of different sizes: A is M×K, B is K×N, C is M×N.
    private static readonly GemmWorkload Small = new("small", [new GemmShape(64, 32, 16), new GemmShape(16, 32, 64)], 32);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeCudaDriverApi _api = new();
    private readonly FakeCublasApi _cublas = new();
    private readonly CudaContext _context;

    public CudaGemmWorkTests()
    {
        var runtime = CudaRuntime.Open(_api);
        _context = runtime.RetainPrimaryContext(runtime.Devices[0]);
        _cublas.OnGemm = g => _time.Advance(TimeSpan.FromSeconds(2.0 * g.M * g.N * g.K / FakeFlopsPerSecond));
    }

    public void Dispose() => _context.Dispose();

    private CudaGemmWork Work(GemmWorkload workload, double initialFlopsPerSecond = 1e12) =>
        new(_context, _cublas, workload, _time, new CudaGemmLoadOptions { InitialFlopsPerSecond = initialFlopsPerSecond });

    [Fact]
    public void Start_AllocatesOperandsForTheLargestShape_FillsAAndB_AndBindsCublasToItsStream()
    {
        var work = Work(Small);

        work.Start();

        Assert.Equal([64 * 16 * 2, 64 * 32 * 2, 64 * 32 * 2], _api.Memory.Values.Select(m => m.Length));
        var buffers = _api.Memory.Values.ToList();
        Assert.Contains(buffers[0], b => b != 0);
        Assert.Contains(buffers[1], b => b != 0);
        Assert.All(buffers[2], b => Assert.Equal(0, b));
        Assert.NotEqual(0, _cublas.BoundStream);
        Assert.Equal(CublasMath.Default, _cublas.MathMode);
    }

    [Fact]
    public void Run_QueuesGemmsUntilTheBudgetsFlopsAreMet_CyclingTheSequence_ThenWaitsForTheStream()
    {
        var work = Work(Small, initialFlopsPerSecond: 1e8);
        work.Start();

        work.Run(TimeSpan.FromMilliseconds(10)); // 1e6 FLOPs wanted, 65536 per GEMM: 16 GEMMs

        Assert.Equal(16, _cublas.Gemms.Count);
        Assert.Equal([64, 16, 64, 16], _cublas.Gemms.Take(4).Select(g => g.M));
        Assert.All(_cublas.Gemms, g => Assert.Equal((CudaDataType.R16BF, CublasComputeType.Compute32F), (g.AType, g.ComputeType)));
        Assert.Equal("cuStreamSynchronize", _api.Calls.Last());
        Assert.Equal(16 * 65536, work.TotalFlops);
    }

    [Fact]
    public void Run_LearnsTheFlopRate_AndSizesTheNextBurstByIt()
    {
        var work = Work(Small, initialFlopsPerSecond: 1e8);
        work.Start();

        work.Run(TimeSpan.FromMilliseconds(10));

        // The fake clock keeps whole ticks (100 ns) per GEMM, so the measured rate is within 0.1 % of 1 GFLOP/s.
        var expected = 1e8 + (0.3 * (FakeFlopsPerSecond - 1e8));
        Assert.InRange(work.Estimate.PerSecond, expected * 0.999, expected * 1.001);
    }

    [Fact]
    public void Run_BudgetBelowOneGemm_StillRunsOne()
    {
        var work = Work(GemmWorkload.Heater(64), initialFlopsPerSecond: 1);
        work.Start();

        work.Run(TimeSpan.FromMilliseconds(1));

        var gemm = Assert.Single(_cublas.Gemms);
        Assert.Equal((64, 64, 64), (gemm.M, gemm.N, gemm.K));
    }

    [Fact]
    public void Finish_FreesEverythingStartMade()
    {
        var work = Work(Small);
        work.Start();
        var allocated = _api.Memory.Keys.ToList();

        work.Finish();

        Assert.Equal(allocated.Order(), _api.Freed.Order());
        Assert.Contains("cublasDestroy_v2", _cublas.Calls);
        Assert.Contains("cuStreamDestroy_v2", _api.Calls);
    }

    [Fact]
    public void Load_HeaterReachesTheGpusCap_InferenceReportsTokens()
    {
        var gpu = new SimulatedGpu("p/0", "H200", "p", Power.FromWatts(200), Power.FromWatts(80), Power.FromWatts(700), _time);
        using var heater = new CudaGemmLoad(gpu, DutyCycleModel.Heater(gpu.MaxPower), _context, _cublas, GemmWorkload.Heater(64), _time, NullLogger.Instance);
        using var inference = new CudaGemmLoad(gpu, DutyCycleModel.Heater(gpu.MaxPower), _context, _cublas, Small, _time, NullLogger.Instance,
            new CudaGemmLoadOptions { InitialFlopsPerSecond = 2 * 65536 * 1000 });

        Assert.Equal(700, heater.MaxReachable.Watts);
        Assert.Equal(119, heater.MinReachable.Watts);
        Assert.Equal(0, heater.BusyTokensPerSecond);
        Assert.Equal(32_000, inference.BusyTokensPerSecond, 6); // 1000 passes of 32 tokens per second
    }
}
