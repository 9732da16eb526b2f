using Energy.Gpu.Control;
using Energy.Gpu.Cuda;
using Energy.Gpu.Devices;
using Energy.Gpu.Mining;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Workloads;

/// <summary>
/// SHA-256d proof of work on one GPU at a duty cycle: each burst searches as many nonces as the
/// measured hash rate fits into duty × period, through <see cref="GpuNonceSearch"/>, so every share
/// is hashed again on the CPU before it reaches the <see cref="IMiningJobSource"/>. When a job's
/// nonce space is used up the header's time is rolled forward by a second.
/// </summary>
public sealed class CudaMiningLoad : DutyCycleLoad
{
    private readonly CudaMiningWork _work;

    public CudaMiningLoad(IGpuDevice device, CudaContext context, KernelCompiler compiler, IMiningJobSource jobs, TimeProvider time,
        ILoggerFactory loggers, CudaMiningLoadOptions? options = null)
        : this(device, Work(context, compiler, jobs, time, loggers, options ??= new CudaMiningLoadOptions()), time, loggers, options)
    {
    }

    private CudaMiningLoad(IGpuDevice device, CudaMiningWork work, TimeProvider time, ILoggerFactory loggers, CudaMiningLoadOptions options)
        : base(device, DutyCycleModel.Sha256d, work, time, loggers.CreateLogger<CudaMiningLoad>(), options.Period)
    {
        _work = work;
    }

    /// <summary>Hashes per second while a burst runs (smoothed); the average over time is this × the duty cycle.</summary>
    public double BusyHashesPerSecond => _work.Estimate.PerSecond;

    /// <summary>Hashes per second at the current duty cycle.</summary>
    public override double Throughput => BusyHashesPerSecond * Duty;

    public long TotalHashes => _work.TotalHashes;

    /// <summary>Shares found and re-verified on the CPU.</summary>
    public long SharesFound => _work.Shares;

    /// <summary>Candidates the CPU turned down (quick-reject false positives and invalid results).</summary>
    public long CandidatesRejected => _work.Rejected;

    /// <summary>The loaded kernel (registers, compile time); null until the thread has started it.</summary>
    public CudaSha256dKernel? Kernel => _work.Kernel;

    private static CudaMiningWork Work(CudaContext context, KernelCompiler compiler, IMiningJobSource jobs, TimeProvider time,
        ILoggerFactory loggers, CudaMiningLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(compiler);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(loggers);
        return new CudaMiningWork(context, compiler, jobs, time, loggers, options);
    }
}
