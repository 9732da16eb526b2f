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

    [LoggerMessage(2200, LogLevel.Information, "Agent {Node} follows controller epoch {Epoch}")]
    public static partial void AgentFollowing(ILogger logger, string node, long epoch);

    [LoggerMessage(2201, LogLevel.Information, "Agent {Node}: controller epoch {Old} replaced by {New}; older batches are refused from now on")]
    public static partial void AgentEpochAdvanced(ILogger logger, string node, long old, long @new);

    [LoggerMessage(2202, LogLevel.Warning, "Agent {Node} refused batch {Epoch}/{Seq}: {Reason}")]
    public static partial void BatchRefused(ILogger logger, string node, long epoch, long seq, string reason);

    [LoggerMessage(2203, LogLevel.Warning, "Agent {Node}: assignments ran out at {ValidUntil:o} without renewal; GPUs went to the safe state ({SafeState})")]
    public static partial void AgentDeadman(ILogger logger, string node, DateTimeOffset validUntil, Energy.Contracts.Policy.SafeState safeState);

    [LoggerMessage(2204, LogLevel.Warning, "Agent {Node}: grid frequency {Hz} Hz is not plausible; ignored")]
    public static partial void FrequencyImplausible(ILogger logger, string node, double hz);

    [LoggerMessage(2205, LogLevel.Warning, "Agent {Node}: grid frequency {Hz} Hz measured at {At:o} is {AgeSeconds:F1} s old; not acted on")]
    public static partial void FrequencyStale(ILogger logger, string node, double hz, DateTimeOffset at, double ageSeconds);

    [LoggerMessage(2206, LogLevel.Warning, "Agent {Node}: grid frequency {Hz} Hz at or below {ThresholdHz} Hz: shed {ShedW:F0} W on {Gpus} GPUs in {CommandMs:F1} ms")]
    public static partial void FrequencyShed(ILogger logger, string node, double hz, double thresholdHz, double shedW, int gpus, double commandMs);

    [LoggerMessage(2207, LogLevel.Information, "Agent {Node}: grid recovered; {RestoredW:F0} W restored after its stagger of {OffsetSeconds:F1} s")]
    public static partial void DemandResponseRestored(ILogger logger, string node, double restoredW, double offsetSeconds);
}
