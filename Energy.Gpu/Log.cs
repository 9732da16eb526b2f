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
}
