using Energy.Gpu.Mining;

namespace Energy.Gpu.Tests.Mining;

/// <summary>
/// A kernel whose answers the test writes: each launch returns what <see cref="Answer"/> gives for
/// its range (by default nothing). Records every launch and can advance a fake clock per launch.
/// </summary>
internal sealed class ScriptedSha256dKernel(int candidateCapacity = 64) : ISha256dKernel
{
    public Func<uint, long, IReadOnlyList<uint>> Answer { get; init; } = (_, _) => [];

    public Action? OnLaunch { get; init; }

    public List<(uint FirstNonce, long Count)> Launches { get; } = [];

    public int CandidateCapacity => candidateCapacity;

    public Sha256dLaunchResult Launch(Sha256dKernelParameters parameters, uint firstNonce, long count)
    {
        Launches.Add((firstNonce, count));
        OnLaunch?.Invoke();
        var candidates = Answer(firstNonce, count);
        return new Sha256dLaunchResult(candidates, candidates.Count);
    }
}
