namespace Energy.Gpu.Pouw;

/// <summary>
/// One batch to mine: the header it is mined under, the job's weights W (n×k; the same for every batch of
/// the job, so the miner makes W' once) with their Merkle tree when the source has it, and the batch's
/// activations A (m×k). The shape is the header's.
/// </summary>
public sealed record PouwWorkBatch(PouwHeader Header, ReadOnlyMemory<sbyte> Weights, ReadOnlyMemory<sbyte> Activations, PouwMerkle? WeightsTree = null);

/// <summary>
/// Where <see cref="CudaPouwWork"/> takes its work: queued useful jobs (a tenant's weights and the activation
/// batches its inference server logged), or the inference shapes' own operands registered as a job.
/// Called on the miner's thread.
/// </summary>
public interface IPouwJobSource
{
    /// <summary>The next batch, or null when there is nothing to mine now.</summary>
    PouwWorkBatch? TryTake();
}

/// <summary>Where <see cref="CudaPouwWork"/> hands what it mined: only tickets the reference verifier accepted.</summary>
public interface IPouwTicketSink
{
    /// <summary>A ticket the reference verifier accepted.</summary>
    void Found(PouwTicket ticket, PouwVerification verification);

    /// <summary>A GPU winner the reference verifier refused (never a ticket): for the ledger's rejected count.</summary>
    void Refused(PouwHeader header, CudaPouwRefusal refusal);
}
