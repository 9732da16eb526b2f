using System.Buffers.Binary;
using Energy.Contracts.Units;
using Energy.Gpu.Control;
using Energy.Gpu.Cuda;
using Energy.Gpu.Mining;
using Energy.Gpu.Simulation;
using Energy.Gpu.Tests.Interop;
using Energy.Gpu.Workloads;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Workloads;

/// <summary>
/// Mining bursts through the fake driver, whose "kernel" takes 1 ns per nonce on a fake clock (1 GH/s)
/// and reports the genesis nonce, plus one bad candidate, when its range holds them.
/// </summary>
public sealed class CudaMiningWorkTests : IDisposable
{
    private const double FakeHashesPerSecond = 1e9;
    private const uint BogusNonce = 5;

    private readonly string _cache = Directory.CreateTempSubdirectory("heatgrid-mining-").FullName;
    private readonly FakeTimeProvider _time = new();
    private readonly FakeCudaDriverApi _api = new() { LaunchParameterSizes = [.. Enumerable.Repeat(4, 26), 8, 4] };
    private readonly CudaContext _context;
    private readonly List<(uint First, uint Last, uint[] Words)> _ranges = [];

    public CudaMiningWorkTests()
    {
        var runtime = CudaRuntime.Open(_api);
        _context = runtime.RetainPrimaryContext(runtime.Devices[0]);
        _api.OnLaunch = PlayKernel;
    }

    public void Dispose()
    {
        _context.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    private CudaMiningWork Work(IMiningJobSource jobs, double initialHashesPerSecond = 5e9) =>
        new(_context, new KernelCompiler(new FakeNvrtcApi(), new KernelCompilerOptions { CacheDirectory = _cache }), jobs, _time,
            NullLoggerFactory.Instance, new CudaMiningLoadOptions { InitialHashesPerSecond = initialHashesPerSecond });

    private static LocalMiningJobSource GenesisAtItsOwnTarget() =>
        new(new MiningJob("genesis", GenesisBlock.Header(), Target.DifficultyOne));

    [Fact]
    public void Run_SizesEachBurstFromTheMeasuredRate_AndContinuesWhereTheLastEnded()
    {
        var work = Work(LocalMiningJobSource.Genesis());
        work.Start();

        work.Run(TimeSpan.FromMilliseconds(12.5));
        work.Run(TimeSpan.FromMilliseconds(12.5));

        // 5 GH/s × 12.5 ms first; each burst moves the estimate 30 % of the way to the measured 1 GH/s: 3.8, then 2.96 GH/s.
        Assert.Equal((0u, 62_499_999u), (_ranges[0].First, _ranges[0].Last));
        Assert.Equal(62_500_000u, _ranges[1].First);
        Assert.InRange(_ranges[1].Last - _ranges[1].First + 1, 47_499_999u, 47_500_001u);
        Assert.InRange(work.Estimate.PerSecond, 2.9599e9, 2.9601e9);
        Assert.Equal(_ranges[1].Last + 1L, work.TotalHashes);
    }

    [Fact]
    public void Run_GpuCandidates_AreReverifiedOnTheCpu_OnlyRealSharesAreSubmitted()
    {
        var jobs = GenesisAtItsOwnTarget();
        var work = Work(jobs, initialHashesPerSecond: (1L << 31) / 0.025);
        work.Start();

        work.Run(TimeSpan.FromMilliseconds(25));

        var share = Assert.Single(jobs.LatestShares);
        Assert.Equal(GenesisBlock.Nonce, share.Nonce);
        Assert.Equal(GenesisBlock.DisplayHashHex, share.ComputeDisplayHash());
        Assert.Equal(1, work.Shares);
        Assert.Equal(1, work.Rejected);
        Assert.Equal(2, _ranges.Count);
    }

    [Fact]
    public void Run_NonceSpaceUsedUp_RollsTheHeaderTimeForward()
    {
        var jobs = LocalMiningJobSource.Genesis();
        var work = Work(jobs, initialHashesPerSecond: 1e12);
        work.Start();

        work.Run(TimeSpan.FromMilliseconds(25));
        work.Run(TimeSpan.FromMilliseconds(1));

        Assert.Equal(4, _ranges.Count(r => r.Words.SequenceEqual(Words(GenesisBlock.Header()))));
        var rolled = _ranges.Last();
        Assert.Equal(0u, rolled.First);
        Assert.Equal(Words(GenesisBlock.Header().WithTime(GenesisBlock.Header().Time + 1)), rolled.Words);
    }

    [Fact]
    public void Run_NoJob_DoesNothing()
    {
        var work = Work(new NoJobs());
        work.Start();

        Assert.False(work.Run(TimeSpan.FromMilliseconds(25)));
        Assert.Empty(_api.Launches);
    }

    [Fact]
    public void Load_ReachesFromIdleWithAContextToTheHashingCeiling()
    {
        var gpu = new SimulatedGpu("p/0", "H200", "p", Power.FromWatts(200), Power.FromWatts(80), Power.FromWatts(700), _time);
        using var load = new CudaMiningLoad(gpu, _context, new KernelCompiler(new FakeNvrtcApi(), new KernelCompilerOptions { CacheDirectory = _cache }),
            LocalMiningJobSource.Genesis(), _time, NullLoggerFactory.Instance);

        Assert.Equal(119, load.MinReachable.Watts);
        Assert.Equal(390, load.MaxReachable.Watts);
        Assert.Same(DutyCycleModel.Sha256d, load.Model);
        Assert.Equal(DutyCycleRunner.DefaultPeriod, load.Runner.Period);
    }

    private static uint[] Words(BlockHeader header) => Sha256dKernelParameters.FromHeader(header, Target.DifficultyOne).Words[..22].ToArray();

    private void PlayKernel(FakeCudaDriverApi.LaunchRecord launch)
    {
        var first = BinaryPrimitives.ReadUInt32LittleEndian(launch.ParameterValues[23]);
        var last = BinaryPrimitives.ReadUInt32LittleEndian(launch.ParameterValues[24]);
        var words = launch.ParameterValues.Take(22).Select(v => BinaryPrimitives.ReadUInt32LittleEndian(v)).ToArray();
        _ranges.Add((first, last, words));
        _time.Advance(TimeSpan.FromSeconds((last - (double)first + 1) / FakeHashesPerSecond));

        var found = new List<uint>();
        if (words.SequenceEqual(Words(GenesisBlock.Header())) && first <= GenesisBlock.Nonce && GenesisBlock.Nonce <= last)
        {
            found.Add(GenesisBlock.Nonce);
            found.Add(BogusNonce + first);
        }

        var output = _api.Memory[BinaryPrimitives.ReadUInt64LittleEndian(launch.ParameterValues[26])];
        BinaryPrimitives.WriteUInt32LittleEndian(output, (uint)found.Count);
        for (var i = 0; i < found.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(4 * (i + 1)), found[i]);
        }
    }

    private sealed class NoJobs : IMiningJobSource
    {
        public MiningJob? Current => null;

        public void Submit(MiningJob job, BlockHeader header) => throw new InvalidOperationException("No job, no share.");
    }
}
