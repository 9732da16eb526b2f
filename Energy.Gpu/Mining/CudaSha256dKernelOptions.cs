namespace Energy.Gpu.Mining;

public sealed record CudaSha256dKernelOptions
{
    /// <summary>Candidates one launch keeps (out[1..capacity]); more are counted and the range searched again.</summary>
    public int CandidateCapacity { get; init; } = 64;

    /// <summary>Threads per block; the grid is sized to one full wave of resident blocks.</summary>
    public int ThreadsPerBlock { get; init; } = 256;
}
