namespace Energy.Gpu.Mining;

/// <summary>Where a mining load gets its work and delivers its shares.</summary>
public interface IMiningJobSource
{
    /// <summary>The job to hash now; null when there is none (the load then idles).</summary>
    MiningJob? Current { get; }

    /// <summary>
    /// A share, already re-verified on the CPU: <paramref name="header"/> (the job's header, its time
    /// possibly rolled, with the winning nonce) hashes to at most <see cref="MiningJob.ShareTarget"/>.
    /// Called on the load's thread: return quickly.
    /// </summary>
    void Submit(MiningJob job, BlockHeader header);
}
