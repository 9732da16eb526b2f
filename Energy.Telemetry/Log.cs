using Microsoft.Extensions.Logging;

namespace Energy.Telemetry;

/// <summary>Energy.Telemetry's log catalogue: event ids 1000–1999.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Error, "The time-series queue is full ({Capacity} points): new points are being rejected and counted")]
    public static partial void StoreQueueFull(ILogger logger, int capacity);

    [LoggerMessage(1002, LogLevel.Error, "Could not append to {File}: {Reason}; the points stay queued and are retried")]
    public static partial void StoreWriteFailed(ILogger logger, string file, string reason);
}
