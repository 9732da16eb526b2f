using Energy.Gpu.Mining;

namespace Energy.Gpu.Tests.Kernels;

/// <summary>The CUDA C kernel behind <see cref="ISha256dKernel"/>, run on the CPU by the gcc harness: one process per launch.</summary>
internal sealed class GccSha256dKernel(Sha256dCpuHarness harness, Sha256dLaunchGeometry geometry, int candidateCapacity) : ISha256dKernel
{
    public int CandidateCapacity => candidateCapacity;

    public Sha256dLaunchResult Launch(Sha256dKernelParameters parameters, uint firstNonce, long count)
    {
        var run = harness.Run(parameters, firstNonce, (uint)(firstNonce + count - 1), geometry, candidateCapacity);
        Assert.Equal(geometry.BlocksFor(count), run.Blocks);
        return new Sha256dLaunchResult(run.Candidates, run.Reported);
    }
}
