using Energy.Gpu.Control;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Gpu.Pouw;

/// <summary>
/// PoUW mining on the CPU as <see cref="DutyCycleRunner"/> bursts: what simulated GPUs' <c>mining</c> workload runs
/// when PoUW is configured. Each burst takes batches from the <see cref="IPouwJobSource"/> and mines them with the
/// reference miner (<see cref="PouwCpuMiner.Mine"/>) until the budget is spent or the source is empty. Every winning
/// tile is checked by the verifier before it reaches the sink, as <see cref="CudaPouwWork"/> does with the GPU's.
/// It is CPU work and says so: nothing here is a GPU's throughput.
/// </summary>
public sealed class CpuPouwWork(IPouwJobSource source, IPouwTicketSink sink, PouwVerifier verifier, TimeProvider time, ILogger? logger = null) : IDutyCycleWork
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Lock _lock = new();
    private long _batches;
    private long _tickets;
    private long _refused;
    private long _skipped;
    private double _multiplyAdds;

    /// <summary>Batches mined, tickets emitted, own winners the verifier refused, batches skipped, useful multiply-adds (all on the CPU).</summary>
    public (long Batches, long Tickets, long Refused, long Skipped, double MultiplyAdds) Totals
    {
        get
        {
            lock (_lock)
            {
                return (_batches, _tickets, _refused, _skipped, _multiplyAdds);
            }
        }
    }

    public void Start() => Log.CpuPouwStarted(_logger);

    public bool Run(TimeSpan budget)
    {
        var started = time.GetTimestamp();
        var mined = false;
        do
        {
            if (source.TryTake() is not { } batch)
            {
                break;
            }

            mined |= Mine(batch);
        }
        while (time.GetElapsedTime(started) < budget);

        return mined;
    }

    public void Finish()
    {
    }

    private bool Mine(PouwWorkBatch batch)
    {
        var header = batch.Header;
        PouwMineResult result;
        try
        {
            result = PouwCpuMiner.Mine(batch.Activations.Span, batch.Weights.Span, header, batch.WeightsTree);
        }
        catch (ArgumentException e)
        {
            // A batch the miner cannot take is the source's mistake: skip it and go on.
            Log.PouwBatchRefused(_logger, header.Tenant, header.Job, e.Message);
            lock (_lock)
            {
                _skipped++;
            }

            return false;
        }

        var emitted = 0;
        var refused = 0;
        foreach (var ticket in result.Tickets)
        {
            var verdict = verifier.Verify(ticket);
            if (verdict.Accepted)
            {
                Log.CpuPouwTicketEmitted(_logger, ticket.Id, header.Tenant, header.Job, ticket.TileRow, ticket.TileCol);
                sink.Found(ticket, verdict);
                emitted++;
            }
            else
            {
                Log.CpuPouwTicketRefused(_logger, ticket.TileRow, ticket.TileCol, header.Tenant, header.Job, verdict.Reason, verdict.Detail);
                sink.Refused(header, new CudaPouwRefusal(ticket.TileRow, ticket.TileCol, verdict));
                refused++;
            }
        }

        lock (_lock)
        {
            _batches++;
            _tickets += emitted;
            _refused += refused;
            _multiplyAdds += result.MultiplyAdds;
        }

        return true;
    }
}
