using Energy.Gpu.Control;
using Energy.Gpu.Cuda;
using Energy.Gpu.Mining;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Workloads;

/// <summary>The bursts of a <see cref="CudaMiningLoad"/>, on its runner's thread.</summary>
internal sealed class CudaMiningWork(CudaContext context, KernelCompiler compiler, IMiningJobSource jobs, TimeProvider time,
    ILoggerFactory loggers, CudaMiningLoadOptions options) : IDutyCycleWork
{
    private GpuNonceSearch? _search;
    private MiningJob? _job;
    private BlockHeader? _header;
    private long _cursor;
    private long _totalHashes;
    private long _shares;
    private long _rejected;
    private volatile CudaSha256dKernel? _kernel;

    public ThroughputEstimate Estimate { get; } = new(options.InitialHashesPerSecond);

    public CudaSha256dKernel? Kernel => _kernel;

    public long TotalHashes => Interlocked.Read(ref _totalHashes);

    public long Shares => Interlocked.Read(ref _shares);

    public long Rejected => Interlocked.Read(ref _rejected);

    public void Start()
    {
        context.MakeCurrent();
        _kernel = CudaSha256dKernel.Load(context, compiler, options.Kernel, time);
        var searchLogger = new MinimumLevelLogger<GpuNonceSearch>(loggers.CreateLogger<GpuNonceSearch>(), LogLevel.Warning);
        _search = new GpuNonceSearch(_kernel, time, searchLogger, new GpuNonceSearchOptions { LaunchNonces = options.LaunchNonces });
    }

    public bool Run(TimeSpan budget)
    {
        var job = jobs.Current;
        if (job is null || _search is null)
        {
            return false;
        }

        if (!ReferenceEquals(job, _job) || _header is null)
        {
            _job = job;
            _header = job.Header;
            _cursor = 0;
        }

        var remaining = CpuNonceSearch.FullRange - _cursor;
        var wanted = Math.Max(options.MinBurstNonces, (long)Math.Min(Estimate.WorkFor(budget), CpuNonceSearch.FullRange));
        var count = Math.Min(wanted, remaining);
        var result = _search.Search(_header, job.ShareTarget, (uint)_cursor, count);
        Estimate.Observe(count, result.Elapsed);
        Interlocked.Add(ref _totalHashes, count);
        Interlocked.Add(ref _rejected, result.Rejected);
        foreach (var nonce in result.Shares)
        {
            Interlocked.Increment(ref _shares);
            jobs.Submit(job, _header.WithNonce(nonce));
        }

        _cursor += count;
        if (_cursor >= CpuNonceSearch.FullRange)
        {
            _header = _header.WithTime(unchecked(_header.Time + 1));
            _cursor = 0;
        }

        return true;
    }

    public void Finish() => _kernel?.Dispose();
}
