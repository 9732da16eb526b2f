using Microsoft.Extensions.Logging;

namespace Energy.Telemetry;

/// <summary>Energy.Telemetry's log catalogue: event ids 1000–1999.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Error, "The time-series queue is full ({Capacity} points): new points are being rejected and counted")]
    public static partial void StoreQueueFull(ILogger logger, int capacity);

    [LoggerMessage(1002, LogLevel.Error, "Could not append to {File}: {Reason}; the points stay queued and are retried")]
    public static partial void StoreWriteFailed(ILogger logger, string file, string reason);

    // Modbus: 1100–1199. The client logs its link once per change of state; the poller decides
    // what a failed read means for the reading's quality.
    [LoggerMessage(1100, LogLevel.Information, "Connected to Modbus device {Endpoint}")]
    public static partial void ModbusConnected(ILogger logger, string endpoint);

    [LoggerMessage(1101, LogLevel.Warning, "Cannot connect to Modbus device {Endpoint}: {Reason}; retrying in {DelayMilliseconds} ms, then with growing backoff")]
    public static partial void ModbusConnectFailed(ILogger logger, string endpoint, string reason, long delayMilliseconds);

    [LoggerMessage(1102, LogLevel.Debug, "Reconnecting to Modbus device {Endpoint} failed again: {Reason}; next try in {DelayMilliseconds} ms")]
    public static partial void ModbusReconnectFailed(ILogger logger, string endpoint, string reason, long delayMilliseconds);

    [LoggerMessage(1103, LogLevel.Information, "Reconnected to Modbus device {Endpoint} after {DownMilliseconds} ms down")]
    public static partial void ModbusReconnected(ILogger logger, string endpoint, long downMilliseconds);

    [LoggerMessage(1104, LogLevel.Warning, "Closed the connection to Modbus device {Endpoint}: {Reason}")]
    public static partial void ModbusConnectionLost(ILogger logger, string endpoint, string reason);

    [LoggerMessage(1105, LogLevel.Debug, "Dropped a late reply from Modbus device {Endpoint}: transaction {StaleTransactionId} while waiting for {TransactionId}")]
    public static partial void ModbusStaleReplyDropped(ILogger logger, string endpoint, ushort staleTransactionId, ushort transactionId);

    [LoggerMessage(1120, LogLevel.Information, "Modbus server listening on {Endpoint} for units {Units}")]
    public static partial void ModbusServerListening(ILogger logger, string endpoint, string units);

    [LoggerMessage(1121, LogLevel.Debug, "Modbus client {Remote} connected")]
    public static partial void ModbusServerClientConnected(ILogger logger, string remote);

    [LoggerMessage(1122, LogLevel.Debug, "Modbus client {Remote} disconnected after {Requests} requests")]
    public static partial void ModbusServerClientDisconnected(ILogger logger, string remote, long requests);

    [LoggerMessage(1123, LogLevel.Warning, "Closed the connection of Modbus client {Remote}: {Reason}")]
    public static partial void ModbusServerMalformedRequest(ILogger logger, string remote, string reason);

    [LoggerMessage(1124, LogLevel.Error, "Modbus server on {Endpoint} could not accept a connection: {Reason}")]
    public static partial void ModbusServerAcceptFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(1125, LogLevel.Error, "Modbus server failed serving client {Remote}; its connection is closed, others go on")]
    public static partial void ModbusServerConnectionFailed(ILogger logger, string remote, Exception exception);

    [LoggerMessage(1126, LogLevel.Information, "Modbus server on {Endpoint} stopped after {Requests} requests")]
    public static partial void ModbusServerStopped(ILogger logger, string endpoint, long requests);

    [LoggerMessage(1201, LogLevel.Warning, "Modbus device {Device} ({Endpoint} unit {Unit}) degraded: {Reason}; its readings are Bad and it is polled less often until it answers")]
    public static partial void DeviceDegraded(ILogger logger, string device, string endpoint, byte unit, string reason);

    [LoggerMessage(1202, LogLevel.Information, "Modbus device {Device} ({Endpoint} unit {Unit}) answers again")]
    public static partial void DeviceRecovered(ILogger logger, string device, string endpoint, byte unit);
}
