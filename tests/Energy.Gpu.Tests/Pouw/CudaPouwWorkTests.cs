using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Gpu.Cuda;
using Energy.Gpu.Devices;
using Energy.Gpu.Mining;
using Energy.Gpu.Pouw;
using Energy.Gpu.Simulation;
using Energy.Gpu.Tests.Interop;
using Energy.Gpu.Workloads;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Pouw;

/// <summary>
/// CudaPouwWork through the fakes: bursts take queued batches until the budget is spent, W' is made once
/// per job, a batch the miner cannot take is skipped, and only verified tickets reach the sink.
/// </summary>
public sealed class CudaPouwWorkTests : IDisposable
{
    private static readonly PouwParameters Shape = new(32, 32, 128, 8, 16, 16, 64);

    private readonly string _cache = Directory.CreateTempSubdirectory("heatgrid-pouw-work-").FullName;
    private readonly FakeCudaDriverApi _api = new();
    private readonly FakeTimeProvider _time = new(PouwFixtures.Now);
    private readonly FakePouwKernels _kernels;
    private readonly CudaContext _context;

    public CudaPouwWorkTests()
    {
        _kernels = new FakePouwKernels(_api);
        var play = _api.OnLaunch!;
        _api.OnLaunch = launch =>
        {
            play(launch);
            _time.Advance(TimeSpan.FromMilliseconds(5));
        };
        var runtime = CudaRuntime.Open(_api);
        _context = runtime.RetainPrimaryContext(runtime.Devices[0]);
    }

    public void Dispose()
    {
        _context.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    private CudaPouwWork Work(IPouwJobSource source, IPouwTicketSink sink, IPouwJobRegistry registry) =>
        new(_context, new KernelCompiler(new FakeNvrtcApi(), new KernelCompilerOptions { CacheDirectory = _cache }), source, sink,
            new PouwVerifier(registry, _time), _time);

    [Fact]
    public void Bursts_MineQueuedBatches_ReuseWPrimePerJob_SkipBadBatches_AndHandOnOnlyVerifiedTickets()
    {
        var random = new Random(11);
        var w1 = PouwFixtures.Operand(random, 32, 128, 8);
        var w2 = PouwFixtures.Operand(random, 32, 128, 8);
        var a = Enumerable.Range(0, 3).Select(_ => PouwFixtures.Operand(random, 32, 128, 8)).ToArray();
        var registry = new PouwJobRegistry();
        var h1 = registry.Register("acme", "ffn", PouwMerkle.RootOf(w1, 32, 128), Shape, PouwHeader.TargetFor(2), PouwFixtures.Now);
        var h2 = registry.Register("acme", "attn", PouwMerkle.RootOf(w2, 32, 128), Shape, PouwHeader.TargetFor(2), PouwFixtures.Now);
        registry.LogActivations("acme", "ffn", PouwMerkle.RootOf(a[0], 32, 128));
        registry.LogActivations("acme", "ffn", PouwMerkle.RootOf(a[1], 32, 128));
        registry.LogActivations("acme", "attn", PouwMerkle.RootOf(a[2], 32, 128));
        var queue = new QueuedPouwBatches();
        queue.Enqueue(new PouwWorkBatch(h1, w1, a[0]));
        queue.Enqueue(new PouwWorkBatch(h1, w1, a[1]));
        queue.Enqueue(new PouwWorkBatch(h1, w2, a[2]));   // W is not the header's weights: skipped
        queue.Enqueue(new PouwWorkBatch(h2, w2, a[2]));
        var sink = new PouwTicketCollector();
        var work = Work(queue, sink, registry);
        var expected = PouwCpuMiner.Mine(a[0], w1, h1).Tickets.Concat(PouwCpuMiner.Mine(a[1], w1, h1).Tickets).Concat(PouwCpuMiner.Mine(a[2], w2, h2).Tickets)
            .Select(t => t.Id).ToArray();

        work.Start();
        try
        {
            // Each batch is 5 launches of 5 ms: a 10 ms burst mines one batch.
            Assert.True(work.Run(TimeSpan.FromMilliseconds(10)));
            Assert.Equal(3, queue.Count);
            Assert.True(work.Run(TimeSpan.FromMilliseconds(10)));
            Assert.True(work.Run(TimeSpan.FromMilliseconds(10)));
            Assert.Equal(0, queue.Count);
            Assert.False(work.Run(TimeSpan.FromMilliseconds(10)));
        }
        finally
        {
            work.Finish();
        }

        Assert.Equal((3L, (long)expected.Length, 0L, 1L, 2L), (work.Totals.Batches, work.Totals.Tickets, work.Totals.Refused, work.Totals.Skipped, work.Totals.JobsPrepared));
        Assert.Equal(3.0 * Shape.MultiplyAdds, work.Totals.MultiplyAdds);
        Assert.Equal(expected, sink.Tickets.Select(t => t.Id));
        Assert.Equal(expected.Length, sink.FoundCount);
        Assert.NotEmpty(expected);

        // W' made once per job (two jobs), A' once per batch (three batches).
        Assert.Equal(5, _kernels.Launches.Count(l => l.Name == "pouw_noise"));
        Assert.Equal(6, _kernels.Launches.Count(l => l.Name == "pouw_project"));
        Assert.Equal(3, _kernels.Launches.Count(l => l.Name == "pouw_mine"));
        Assert.DoesNotContain(_kernels.Launches, l => l.Plain);
    }

    [Fact]
    public void AGpuWinnerTheReferenceRefuses_ReachesTheSinkAsARefusal_NotAsATicket()
    {
        var random = new Random(12);
        var w = PouwFixtures.Operand(random, 32, 128, 8);
        var a = PouwFixtures.Operand(random, 32, 128, 8);
        var (registry, header) = PouwFixtures.Registered(a, w, Shape, 1);
        var queue = new QueuedPouwBatches();
        queue.Enqueue(new PouwWorkBatch(header, w, a));
        var sink = new PouwTicketCollector();
        _kernels.AfterMine = winners => winners[1 + 5] ^= 1;
        var work = Work(queue, sink, registry);

        work.Start();
        Assert.True(work.Run(TimeSpan.FromSeconds(1)));
        work.Finish();

        Assert.Equal(3, sink.FoundCount);
        Assert.Equal(1, sink.RefusedCount);
        Assert.Equal(1, work.Totals.Refused);
        Assert.Equal(3, sink.Drain().Count);
        Assert.Empty(sink.Tickets);
    }

    [Fact]
    public void CudaLoadFactory_RunsPouwForMiningOnlyWhenConfigured()
    {
        var runtime = CudaRuntime.Open(_api);
        var compiler = new KernelCompiler(new FakeNvrtcApi(), new KernelCompilerOptions { CacheDirectory = _cache });
        var gpu = new SimulatedGpu("p/0", "H200", "p", Power.FromWatts(200), Power.FromWatts(80), Power.FromWatts(700), _time);
        var pouw = new CudaPouwMiningOptions(new QueuedPouwBatches(), new PouwTicketCollector());

        using (var plain = new CudaLoadFactory(runtime, runtime.Devices[0], compiler, new FakeCublasApi(), LocalMiningJobSource.Genesis(), _time, NullLoggerFactory.Instance))
        using (var load = plain.Create(WorkloadKind.Mining, gpu) as IDisposable)
        {
            Assert.IsType<CudaMiningLoad>(load);
        }

        using var factory = new CudaLoadFactory(runtime, runtime.Devices[0], compiler, new FakeCublasApi(), LocalMiningJobSource.Genesis(), _time,
            NullLoggerFactory.Instance, new CudaLoadOptions { Pouw = pouw });
        using (var load = factory.Create(WorkloadKind.Mining, gpu) as IDisposable)
        {
            var pouwLoad = Assert.IsType<CudaPouwLoad>(load);
            Assert.Equal("pouw", pouwLoad.Model.Workload);
            Assert.Equal(700, pouwLoad.MaxReachable.Watts);
        }

        using (var heater = factory.Create(WorkloadKind.Heater, gpu) as IDisposable)
        {
            Assert.IsType<CudaGemmLoad>(heater);
        }
    }
}
