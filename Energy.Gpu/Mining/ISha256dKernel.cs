namespace Energy.Gpu.Mining;

/// <summary>
/// One launch of the SHA-256d nonce search over a nonce range. Implementations report every nonce
/// whose hash passes the quick reject (top 32 bits ≤ <see cref="Sha256dKernelParameters.TargetHighWord"/>)
/// and may report more; <see cref="GpuNonceSearch"/> re-checks each on the CPU. The CUDA one runs
/// Kernels/sha256d.cu; <see cref="CpuSha256dKernel"/> is its managed stand-in.
/// </summary>
public interface ISha256dKernel
{
    /// <summary>How many candidates one launch can return; more are counted but not kept.</summary>
    int CandidateCapacity { get; }

    /// <summary>
    /// Searches firstNonce … firstNonce + count − 1, with 1 ≤ count ≤ <see cref="Sha256dLaunchGeometry.MaxLaunchNonces"/>
    /// and no wrap past 2^32 − 1.
    /// </summary>
    Sha256dLaunchResult Launch(Sha256dKernelParameters parameters, uint firstNonce, long count);
}
