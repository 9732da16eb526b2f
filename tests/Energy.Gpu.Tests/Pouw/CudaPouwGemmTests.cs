using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Energy.Gpu.Cuda;
using Energy.Gpu.Kernels;
using Energy.Gpu.Pouw;
using Energy.Gpu.Tests.Interop;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Pouw;

/// <summary>
/// CudaPouwGemm through the fake driver and NVRTC: what is compiled with which defines, each kernel's
/// geometry and arguments, the order of launches, W' made once per job, and — with the fake playing the
/// kernels by the C# reference — the exact product and tickets that PouwVerifier accepts, while a GPU
/// result the reference refuses is counted and never returned.
/// </summary>
public sealed class CudaPouwGemmTests : IDisposable
{
    private static readonly PouwParameters Shape = new(32, 48, 128, 8, 16, 16, 64);

    private readonly string _cache = Directory.CreateTempSubdirectory("heatgrid-pouw-gemm-").FullName;
    private readonly FakeCudaDriverApi _api = new();
    private readonly FakeNvrtcApi _nvrtc = new();
    private readonly FakePouwKernels _kernels;
    private readonly CudaContext _context;
    private readonly FakeTimeProvider _time = new(PouwFixtures.Now);

    public CudaPouwGemmTests()
    {
        _kernels = new FakePouwKernels(_api);
        var runtime = CudaRuntime.Open(_api);
        _context = runtime.RetainPrimaryContext(runtime.Devices[0]);
    }

    public void Dispose()
    {
        _context.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    private CudaPouwGemm Load(CudaPouwGemmOptions? options = null) =>
        CudaPouwGemm.Load(_context, new KernelCompiler(_nvrtc, new KernelCompilerOptions { CacheDirectory = _cache }), options, timeProvider: _time);

    private static (sbyte[] A, sbyte[] W) Operands(int seed = 7, PouwParameters? shape = null)
    {
        var p = shape ?? Shape;
        var random = new Random(seed);
        return (PouwFixtures.Operand(random, p.M, p.K, p.Rank), PouwFixtures.Operand(random, p.N, p.K, p.Rank));
    }

    private static ulong Pointer(DeviceBuffer<sbyte> b) => b.DevicePointer;

    private static ulong Pointer(DeviceBuffer<int> b) => b.DevicePointer;

    private static ulong Pointer(DeviceBuffer<uint> b) => b.DevicePointer;

    [Theory]
    [InlineData("pouw_noise")]
    [InlineData("pouw_mine")]
    [InlineData("pouw_project")]
    public void TheFakesParameterSizes_AreTheKernelFilesDeclarations(string kernel)
    {
        var signature = Regex.Match(KernelSource.Read(KernelSource.Pouw), @"__global__ void " + kernel + @"\((?<parameters>[^)]*)\)");
        Assert.True(signature.Success);
        var sizes = signature.Groups["parameters"].Value.Split(',').Select(p => p.Contains('*', StringComparison.Ordinal) ? 8 : 4);
        Assert.Equal(FakePouwKernels.Sizes[kernel], sizes);
    }

    [Fact]
    public void Load_CompilesTheTranscriptAndThePlainBuildForTheDevice()
    {
        using var gemm = Load(new CudaPouwGemmOptions { Kernel = new CudaPouwKernelOptions { WarpsM = 4, WarpsN = 2 } });

        Assert.Equal(2, _nvrtc.Compiles.Count);
        Assert.Equal(["--gpu-architecture=sm_90", "-DPOUW_TRANSCRIPT=1", "-DPOUW_WARPS_M=4", "-DPOUW_WARPS_N=2"], _nvrtc.Compiles[0]);
        Assert.Equal(["--gpu-architecture=sm_90", "-DPOUW_TRANSCRIPT=0", "-DPOUW_WARPS_M=4", "-DPOUW_WARPS_N=2"], _nvrtc.Compiles[1]);
        Assert.Equal(2, _api.LoadedImages.Count);
        Assert.Equal(["pouw_noise", "pouw_mine", "pouw_project", "pouw_mine"], _api.FunctionNames);
        Assert.False(gemm.Compiled.FromCache);

        // A second load reads both CUBINs from the cache.
        using var again = Load(new CudaPouwGemmOptions { Kernel = new CudaPouwKernelOptions { WarpsM = 4, WarpsN = 2 } });
        Assert.Equal(2, _nvrtc.Compiles.Count);
        Assert.True(again.Compiled.FromCache);
        Assert.True(again.PlainCompiled!.FromCache);
    }

    [Fact]
    public void Load_WithoutThePlainBuild_CompilesOnce_AndRefusesThePlainGemm()
    {
        using var gemm = Load(new CudaPouwGemmOptions { PlainBuild = false });
        var (a, w) = Operands();
        var (registry, header) = PouwFixtures.Registered(a, w, Shape, 2);
        using var job = gemm.PrepareJob(header, w);

        Assert.Single(_nvrtc.Compiles);
        Assert.Throws<InvalidOperationException>(() => gemm.RunPlain(job));
        Assert.Throws<ArgumentException>(() => Load(new CudaPouwGemmOptions { Kernel = new CudaPouwKernelOptions { Transcript = false } }));
    }

    [Fact]
    public void PrepareJob_UploadsWAndMakesWPrimeOnce_AndMineBatchRunsTheKernelsInOrderWithTheirArguments()
    {
        using var gemm = Load();
        var (a, w) = Operands();
        var (registry, header) = PouwFixtures.Registered(a, w, Shape, 2);
        using var job = gemm.PrepareJob(header, w);

        var noiseW = Assert.Single(_kernels.Launches);
        var seedF = header.SeedF();
        var host = CudaPouwKernelParameters.Create(Shape, seedF, seedF, seedF, header.Target);
        Assert.Equal(("pouw_noise", false), (noiseW.Name, noiseW.Plain));
        Assert.Equal([Pointer(job.Weights), Pointer(job.NoisyWeights), 48UL, 128UL, 8UL, .. host.SeedFWords.Select(x => (ulong)x)], noiseW.Arguments);
        Assert.Equal((host.Noise(48).Grid.X, host.Noise(48).Grid.Y, host.Noise(48).Block.X), (noiseW.Record.Grid.X, noiseW.Record.Grid.Y, noiseW.Record.Block.X));
        Assert.Equal(w, _api.Memory[job.Weights.DevicePointer].Select(b => unchecked((sbyte)b)));
        Assert.Equal(gemm.Stream.Handle, noiseW.Record.Stream);

        var verifier = new PouwVerifier(registry, _time);
        gemm.MineBatch(job, header, a, verifier);
        gemm.MineBatch(job, header, a, verifier);

        // W' once per job; per batch: noise on A, the planes of U = A·Q_Fᵀ and of V = W'·Q_Eᵀ, mine (denoising fused).
        Assert.Equal(["pouw_noise", "pouw_noise", "pouw_project", "pouw_project", "pouw_mine", "pouw_noise", "pouw_project", "pouw_project", "pouw_mine"],
            _kernels.Launches.Select(l => l.Name));
        Assert.Equal(1, _kernels.Launches.Count(l => l.Name == "pouw_noise" && l.Arguments[2] == 48));

        var seedE = header.SeedE(PouwMerkle.RootOf(a, 32, 128));
        var kernel = CudaPouwKernelParameters.Create(Shape, seedE, seedF, PouwHashing.TicketKey(seedE, seedF), header.Target);
        var e = kernel.SeedEWords.Select(x => (ulong)x).ToArray();
        var f = kernel.SeedFWords.Select(x => (ulong)x).ToArray();
        var launches = _kernels.Launches.Skip(1).Take(4).ToArray();
        Assert.Equal([Pointer(job.Activations), Pointer(job.NoisyActivations), 32UL, 128UL, 8UL, .. e], launches[0].Arguments);
        // k = 128: two planes; rows of 2r = 16 bytes rounded up to 32.
        Assert.Equal((2, 32), (kernel.Planes, kernel.PlaneWidth));
        Assert.Equal([Pointer(job.Activations), Pointer(job.ActivationPlanes), 32UL, 128UL, 8UL, f[2], f[3], e[0], e[1], 0UL, 2UL], launches[1].Arguments);
        Assert.Equal([Pointer(job.NoisyWeights), Pointer(job.WeightPlanes), 48UL, 128UL, 8UL, e[2], e[3], f[0], f[1], 1UL, 2UL], launches[2].Arguments);
        Assert.Equal((1u, 1u, 128u), (launches[1].Record.Grid.X, launches[1].Record.Grid.Y, launches[1].Record.Block.X));
        Assert.Equal((1u, 1u, 128u), (launches[2].Record.Grid.X, launches[2].Record.Grid.Y, launches[2].Record.Block.X));
        Assert.Equal(
            [Pointer(job.NoisyActivations), Pointer(job.NoisyWeights), Pointer(job.ActivationPlanes), Pointer(job.WeightPlanes), Pointer(job.Product), 0UL,
                32UL, 48UL, 128UL, 64UL, 8UL, 2UL, Pointer(job.KeyAndTarget), Pointer(job.Winners), 256UL, 0UL],
            launches[3].Arguments);
        var mine = kernel.Mine(new CudaPouwKernelOptions());
        Assert.Equal((mine.Grid.X, mine.Grid.Y, mine.Block.X), (launches[3].Record.Grid.X, launches[3].Record.Grid.Y, launches[3].Record.Block.X));
        Assert.Equal((2u, 1u, 128u), (launches[3].Record.Grid.X, launches[3].Record.Grid.Y, launches[3].Record.Block.X));
        Assert.All(_kernels.Launches, l => Assert.Equal(gemm.Stream.Handle, l.Record.Stream));

        // Buffers sized for the shape; the key and target words as the kernel reads them.
        Assert.Equal(32 * 48 * 4, _api.Memory[job.Product.DevicePointer].Length);
        Assert.Equal(32 * 2 * 32, _api.Memory[job.ActivationPlanes.DevicePointer].Length);
        Assert.Equal(48 * 2 * 32, _api.Memory[job.WeightPlanes.DevicePointer].Length);
        Assert.Equal((1 + (256 * 10)) * 4, _api.Memory[job.Winners.DevicePointer].Length);
        var words = _api.Memory[job.KeyAndTarget.DevicePointer];
        Assert.Equal(kernel.KeyAndTarget.ToArray(), Enumerable.Range(0, 16).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(words.AsSpan(4 * i))));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(4.0)]
    public void MineBatch_GivesTheExactProduct_AndTheCpuReferencesTickets_AllVerified(double tilesPerTicket)
    {
        using var gemm = Load();
        var (a, w) = Operands(seed: (int)(tilesPerTicket * 10));
        var (registry, header) = PouwFixtures.Registered(a, w, Shape, tilesPerTicket);
        using var job = gemm.PrepareJob(header, w);
        var product = new int[32 * 48];

        var result = gemm.MineBatch(job, header, a, new PouwVerifier(registry, _time), product);

        var cpu = PouwCpuMiner.Mine(a, w, header);
        Assert.Equal(PouwProduct.Multiply(a, w, 32, 48, 128), product);
        Assert.Equal(cpu.Product, product);
        Assert.Equal(cpu.Tickets.Select(t => t.Id), result.Tickets.Select(t => t.Id));
        Assert.Equal(cpu.Tickets.Count, result.WinnersReported);
        Assert.Empty(result.Refused);
        Assert.Equal(0, result.WinnersDropped);
        Assert.All(result.TicketVerdicts, v => Assert.True(v.Accepted));
        Assert.All(result.Tickets, t => Assert.True(new PouwVerifier(registry, _time).Verify(t).Accepted));
        Assert.Equal(cpu.ActivationsRoot, result.ActivationsRoot);
        Assert.Equal(TimeSpan.FromMilliseconds(12.5), result.Timings.Mine);
        Assert.Equal(TimeSpan.FromMilliseconds(37.5), result.Timings.Compute);
        if (tilesPerTicket == 1.0)
        {
            Assert.Equal(6, result.Tickets.Count);
        }
    }

    [Fact]
    public void RunPlain_MultipliesTheCleanOperandsWithThePlainBuild()
    {
        using var gemm = Load();
        var (a, w) = Operands();
        var (registry, header) = PouwFixtures.Registered(a, w, Shape, 2);
        using var job = gemm.PrepareJob(header, w);
        gemm.MineBatch(job, header, a, new PouwVerifier(registry, _time));
        var plain = new int[32 * 48];

        var elapsed = gemm.RunPlain(job, plain);

        var launch = _kernels.Launches[^1];
        Assert.Equal(("pouw_mine", true), (launch.Name, launch.Plain));
        Assert.Equal(Pointer(job.Activations), launch.Arguments[0]);
        Assert.Equal(Pointer(job.Weights), launch.Arguments[1]);
        // No planes: no denoising (a_planes, w_planes, c_noisy null, planes 0).
        Assert.Equal([0UL, 0UL, Pointer(job.PlainProduct), 0UL], launch.Arguments[2..6]);
        Assert.Equal(0UL, launch.Arguments[11]);
        Assert.Equal(PouwProduct.Multiply(a, w, 32, 48, 128), plain);
        Assert.Equal(TimeSpan.FromMilliseconds(12.5), elapsed);
    }

    [Fact]
    public void AForgedHash_ALosingTile_AndATileOutsideTheProduct_AreRefusedNotEmitted()
    {
        using var gemm = Load();
        var (a, w) = Operands(seed: 3);
        var (registry, header) = PouwFixtures.Registered(a, w, Shape, 1);
        using var job = gemm.PrepareJob(header, w);
        _kernels.AfterMine = winners =>
        {
            Assert.Equal(6u, winners[0]);
            winners[1 + 2] ^= 0x8000_0000u;       // entry 0: a bit of the tile hash flipped
            winners[1 + 10] = 9;                   // entry 1: tile row 9 does not exist
        };

        var result = gemm.MineBatch(job, header, a, new PouwVerifier(registry, _time));

        Assert.Equal(6, result.WinnersReported);
        Assert.Equal(4, result.Tickets.Count);
        Assert.Equal(2, result.Refused.Count);
        Assert.Equal(PouwRejection.TranscriptMismatch, result.Refused[0].Verdict.Rejection);
        Assert.Equal(PouwRejection.Malformed, result.Refused[1].Verdict.Rejection);
        Assert.DoesNotContain(result.Tickets, t => t.TileRow == result.Refused[0].Ti && t.TileCol == result.Refused[0].Tj);
    }

    [Fact]
    public void AHashThatMissesTheTarget_IsRefusedAsTargetNotMet()
    {
        using var gemm = Load();
        var (a, w) = Operands(seed: 5);
        var (registry, header) = PouwFixtures.Registered(a, w, Shape, 1_000_000);
        using var job = gemm.PrepareJob(header, w);

        // The GPU claims tile (1, 2) won: the recomputed transcript matches, the target does not.
        var loser = PouwCpuMiner.TicketFor(a, w, header, 1, 2);
        _kernels.AfterMine = winners =>
        {
            winners[0] = 1;
            winners[1] = 1;
            winners[2] = 2;
            for (var i = 0; i < 8; i++)
            {
                winners[3 + i] = BinaryPrimitives.ReadUInt32BigEndian(loser.TileHash.AsSpan(4 * i));
            }
        };

        var result = gemm.MineBatch(job, header, a, new PouwVerifier(registry, _time));

        Assert.Empty(result.Tickets);
        Assert.Equal(PouwRejection.TargetNotMet, Assert.Single(result.Refused).Verdict.Rejection);
    }

    [Fact]
    public void WinnersBeyondTheCapacity_AreCountedAsDropped()
    {
        using var gemm = Load(new CudaPouwGemmOptions { WinnerCapacity = 2 });
        var (a, w) = Operands();
        var (registry, header) = PouwFixtures.Registered(a, w, Shape, 1);
        using var job = gemm.PrepareJob(header, w);

        var result = gemm.MineBatch(job, header, a, new PouwVerifier(registry, _time));

        Assert.Equal(6, result.WinnersReported);
        Assert.Equal(4, result.WinnersDropped);
        Assert.Equal(2, result.Tickets.Count);
    }

    [Fact]
    public void ForeignWeights_OutOfRangeOperands_AndAnotherJobsHeader_AreRefusedBeforeAnyLaunch()
    {
        using var gemm = Load();
        var (a, w) = Operands();
        var (_, header) = PouwFixtures.Registered(a, w, Shape, 2);
        var (_, other) = Operands(seed: 99);

        Assert.Throws<ArgumentException>(() => gemm.PrepareJob(header, other));
        var wide = (sbyte[])w.Clone();
        wide[5] = 127;
        Assert.Throws<ArgumentException>(() => gemm.PrepareJob(header with { WeightsRoot = PouwMerkle.RootOf(wide, 48, 128) }, wide));
        Assert.Throws<ArgumentException>(() => gemm.PrepareJob(header with { Parameters = Shape with { TileH = 8 } }, w));
        Assert.Empty(_kernels.Launches);

        using var job = gemm.PrepareJob(header, w);
        var (_, otherHeader) = PouwFixtures.Registered(a, other, Shape, 2, job: "another");
        var verifier = PouwVerifier.Offline(_time);
        Assert.Throws<ArgumentException>(() => gemm.MineBatch(job, otherHeader, a, verifier));
        var hot = (sbyte[])a.Clone();
        hot[0] = -128;
        Assert.Throws<ArgumentException>(() => gemm.MineBatch(job, header, hot, verifier));
        Assert.Single(_kernels.Launches);
    }
}
