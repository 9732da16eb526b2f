using Energy.Gpu.Control;
using Energy.Gpu.Cuda;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Gpu.Pouw;

/// <summary>
/// PoUW mining as <see cref="DutyCycleRunner"/> bursts: each burst takes batches from the
/// <see cref="IPouwJobSource"/> and mines them with <see cref="CudaPouwGemm"/> until the budget is spent or
/// the source is empty; W' is made once per job and kept while batches of the same job follow (a batch of
/// another job replaces it). Only tickets the reference verifier accepted reach the sink; refused GPU
/// winners are handed to it as refusals. A batch the miner cannot take (shape, range, foreign weights) is
/// logged and skipped. All members run on the runner's thread (the context is made current in Start).
/// </summary>
public sealed class CudaPouwWork(CudaContext context, KernelCompiler compiler, IPouwJobSource source, IPouwTicketSink sink, PouwVerifier verifier,
    TimeProvider time, ILogger? logger = null, CudaPouwGemmOptions? options = null) : IDutyCycleWork
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Lock _lock = new();
    private CudaPouwGemm? _gemm;
    private CudaPouwJob? _job;
    private long _batches;
    private long _tickets;
    private long _refused;
    private long _skipped;
    private long _jobsPrepared;
    private double _multiplyAdds;

    /// <summary>Batches mined, tickets emitted, GPU winners refused, batches skipped, jobs prepared (W' made), useful multiply-adds.</summary>
    public (long Batches, long Tickets, long Refused, long Skipped, long JobsPrepared, double MultiplyAdds) Totals
    {
        get
        {
            lock (_lock)
            {
                return (_batches, _tickets, _refused, _skipped, _jobsPrepared, _multiplyAdds);
            }
        }
    }

    public void Start()
    {
        context.MakeCurrent();
        _gemm = CudaPouwGemm.Load(context, compiler, (options ?? new CudaPouwGemmOptions()) with { PlainBuild = false }, _logger, time);
    }

    public bool Run(TimeSpan budget)
    {
        var gemm = _gemm ?? throw new InvalidOperationException("Start first.");
        var started = time.GetTimestamp();
        var mined = false;
        do
        {
            if (source.TryTake() is not { } batch)
            {
                break;
            }

            mined |= Mine(gemm, batch);
        }
        while (time.GetElapsedTime(started) < budget);

        return mined;
    }

    public void Finish()
    {
        _job?.Dispose();
        _job = null;
        _gemm?.Dispose();
        _gemm = null;
    }

    private bool Mine(CudaPouwGemm gemm, PouwWorkBatch batch)
    {
        var header = batch.Header;
        CudaPouwBatchResult result;
        try
        {
            if (_job is null || !SameJob(_job, header, batch.Weights))
            {
                _job?.Dispose();
                _job = null;
                _job = gemm.PrepareJob(header, batch.Weights, batch.WeightsTree);
                lock (_lock)
                {
                    _jobsPrepared++;
                }
            }

            result = gemm.MineBatch(_job, header, batch.Activations.Span, verifier);
        }
        catch (ArgumentException e)
        {
            // A batch the miner cannot take is the source's mistake, not the GPU's: skip it and go on.
            Log.PouwBatchRefused(_logger, header.Tenant, header.Job, e.Message);
            lock (_lock)
            {
                _skipped++;
            }

            return false;
        }

        for (var i = 0; i < result.Tickets.Count; i++)
        {
            sink.Found(result.Tickets[i], result.TicketVerdicts[i]);
        }

        foreach (var refusal in result.Refused)
        {
            sink.Refused(header, refusal);
        }

        lock (_lock)
        {
            _batches++;
            _tickets += result.Tickets.Count;
            _refused += result.Refused.Count;
            _multiplyAdds += header.Parameters.MultiplyAdds;
        }

        return true;
    }

    // The batch's W must be the prepared one (the same memory, or the same values): a batch naming the job
    // with other weights is prepared afresh, which refuses it when W is not the header's weights.
    private static bool SameJob(CudaPouwJob job, PouwHeader header, ReadOnlyMemory<sbyte> weights) =>
        job.Tenant == header.Tenant && job.Job == header.Job && job.Parameters == header.Parameters
        && job.SeedF.AsSpan().SequenceEqual(header.SeedF())
        && (weights.Equals(job.HostWeights) || weights.Span.SequenceEqual(job.HostWeights.Span));
}
