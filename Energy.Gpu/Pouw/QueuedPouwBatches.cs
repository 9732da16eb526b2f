using System.Collections.Concurrent;

namespace Energy.Gpu.Pouw;

/// <summary>A thread-safe queue of batches: the inference side enqueues, the miner takes.</summary>
public sealed class QueuedPouwBatches : IPouwJobSource
{
    private readonly ConcurrentQueue<PouwWorkBatch> _batches = new();

    public int Count => _batches.Count;

    public void Enqueue(PouwWorkBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _batches.Enqueue(batch);
    }

    public PouwWorkBatch? TryTake() => _batches.TryDequeue(out var batch) ? batch : null;
}
