namespace Energy.Gpu.Mining;

/// <summary>
/// What one kernel launch wrote: the candidate nonces it kept (out[1..]) and how many it found
/// (out[0]), which is larger when the output buffer overflowed.
/// </summary>
public sealed record Sha256dLaunchResult(IReadOnlyList<uint> Candidates, long ReportedCount)
{
    /// <summary>Candidates were dropped: the range has to be searched again in smaller launches.</summary>
    public bool Overflowed => ReportedCount > Candidates.Count;
}
