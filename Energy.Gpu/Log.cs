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

    // Stratum client: 2180–2199. The link is logged once per change of state; further failed
    // attempts while down are the backoff, at Debug.
    [LoggerMessage(2180, LogLevel.Information, "Connected to Stratum pool {Endpoint} as worker {Worker}, extranonce1 {Extranonce1}")]
    public static partial void StratumConnected(ILogger logger, string endpoint, string worker, string extranonce1);

    [LoggerMessage(2181, LogLevel.Warning, "Disconnected from Stratum pool {Endpoint}: {Reason}; reconnecting in {DelayMilliseconds} ms, then with growing backoff")]
    public static partial void StratumDisconnected(ILogger logger, string endpoint, string reason, long delayMilliseconds);

    [LoggerMessage(2182, LogLevel.Warning, "Cannot connect to Stratum pool {Endpoint}: {Reason}; retrying in {DelayMilliseconds} ms, then with growing backoff")]
    public static partial void StratumConnectFailed(ILogger logger, string endpoint, string reason, long delayMilliseconds);

    [LoggerMessage(2183, LogLevel.Debug, "Stratum pool {Endpoint} still unreachable: {Reason}; attempt {Attempt} in {DelayMilliseconds} ms")]
    public static partial void StratumReconnectBackoff(ILogger logger, string endpoint, string reason, long delayMilliseconds, int attempt);

    [LoggerMessage(2184, LogLevel.Error, "Stratum pool {Endpoint} refused worker {Worker}: {Reason}; the client stops, as reconnecting would not help")]
    public static partial void StratumAuthorizeRefused(ILogger logger, string endpoint, string worker, string reason);

    [LoggerMessage(2185, LogLevel.Debug, "Stratum pool {Endpoint} accepted a share for job {JobId}")]
    public static partial void StratumShareAccepted(ILogger logger, string endpoint, string jobId);

    [LoggerMessage(2186, LogLevel.Warning, "Stratum pool {Endpoint} rejected a share for job {JobId}: {Reason}")]
    public static partial void StratumShareRejected(ILogger logger, string endpoint, string jobId, string reason);

    [LoggerMessage(2187, LogLevel.Debug, "Dropped a stale share for job {JobId}: the job no longer belongs to the connection to {Endpoint} (clean_jobs or a reconnect)")]
    public static partial void StratumStaleShareDropped(ILogger logger, string endpoint, string jobId);

    [LoggerMessage(2188, LogLevel.Debug, "Stratum pool {Endpoint} set share difficulty {Difficulty} for the jobs that follow")]
    public static partial void StratumDifficultySet(ILogger logger, string endpoint, double difficulty);

    [LoggerMessage(2189, LogLevel.Information, "Stratum pool {Endpoint} changed extranonce1 to {Extranonce1} (extranonce2 {Extranonce2Bytes} bytes) for the jobs that follow")]
    public static partial void StratumExtranonceChanged(ILogger logger, string endpoint, string extranonce1, int extranonce2Bytes);
}
