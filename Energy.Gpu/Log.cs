using Microsoft.Extensions.Logging;

namespace Energy.Gpu;

/// <summary>Energy.Gpu's log catalogue: event ids 2000–2999.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Warning, "Agent {Node} refused an assignment for {GpuId} from controller epoch {Epoch}; it follows epoch {CurrentEpoch}")]
    public static partial void StaleEpochRefused(ILogger logger, string node, string gpuId, long epoch, long currentEpoch);

    [LoggerMessage(2002, LogLevel.Warning, "Agent {Node} has no GPU {GpuId}; assignment refused")]
    public static partial void UnknownGpuRefused(ILogger logger, string node, string gpuId);

    [LoggerMessage(2003, LogLevel.Warning, "Agent {Node} refused an assignment for {GpuId} that expired at {ValidUntil:o}")]
    public static partial void ExpiredAssignmentRefused(ILogger logger, string node, string gpuId, DateTimeOffset validUntil);

    [LoggerMessage(2004, LogLevel.Warning, "Agent {Node}: {Count} GPU assignments expired without renewal; those GPUs went to the safe state")]
    public static partial void DeadmanFallback(ILogger logger, string node, int count);

    [LoggerMessage(2150, LogLevel.Information, "SHA-256d search of {NonceCount} nonces from {FirstNonce} took {ElapsedMilliseconds} ms ({HashesPerSecond:F0} H/s) in {Launches} launches: {Candidates} candidates, {Shares} shares, {Rejected} rejected")]
    public static partial void NonceSearchFinished(ILogger logger, long nonceCount, uint firstNonce, long elapsedMilliseconds, double hashesPerSecond, int launches, long candidates, int shares, long rejected);

    [LoggerMessage(2151, LogLevel.Information, "Nonce {Nonce} meets target {Target}: share found (hash {Hash})")]
    public static partial void ShareFound(ILogger logger, uint nonce, Mining.Target target, string hash);

    [LoggerMessage(2152, LogLevel.Debug, "Candidate nonce {Nonce} passed the kernel's quick reject but its hash {Hash} misses target {Target}; rejected")]
    public static partial void CandidateMissedTarget(ILogger logger, uint nonce, string hash, Mining.Target target);

    [LoggerMessage(2153, LogLevel.Warning, "Kernel returned an invalid candidate nonce {Nonce} for the launch of {LaunchNonces} nonces from {LaunchFirstNonce}: {Reason}; rejected, not submitted")]
    public static partial void InvalidCandidate(ILogger logger, uint nonce, long launchNonces, uint launchFirstNonce, string reason);

    [LoggerMessage(2154, LogLevel.Warning, "Kernel launch of {LaunchNonces} nonces from {LaunchFirstNonce} found {Reported} candidates but keeps {Capacity}; searching it again in halves")]
    public static partial void CandidateBufferOverflowed(ILogger logger, long launchNonces, uint launchFirstNonce, long reported, int capacity);
}
