using Microsoft.Extensions.Logging;

namespace Energy.Telemetry;

/// <summary>Energy.Telemetry's log catalogue: event ids 1000–1999.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Error, "The time-series queue is full ({Capacity} points): new points are being rejected and counted")]
    public static partial void StoreQueueFull(ILogger logger, int capacity);

    [LoggerMessage(1002, LogLevel.Error, "Could not append to {File}: {Reason}; the points stay queued and are retried")]
    public static partial void StoreWriteFailed(ILogger logger, string file, string reason);

    [LoggerMessage(1201, LogLevel.Warning, "Modbus device {Device} ({Endpoint} unit {Unit}) degraded: {Reason}; its readings are Bad and it is polled less often until it answers")]
    public static partial void DeviceDegraded(ILogger logger, string device, string endpoint, byte unit, string reason);

    [LoggerMessage(1202, LogLevel.Information, "Modbus device {Device} ({Endpoint} unit {Unit}) answers again")]
    public static partial void DeviceRecovered(ILogger logger, string device, string endpoint, byte unit);
}
