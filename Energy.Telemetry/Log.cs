using Microsoft.Extensions.Logging;

namespace Energy.Telemetry;

/// <summary>Energy.Telemetry's log catalogue: event ids 1000–1999.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Error, "The time-series queue is full ({Capacity} points): new points are being rejected and counted")]
    public static partial void StoreQueueFull(ILogger logger, int capacity);

    // Durable state: 1650–1699.
    [LoggerMessage(1650, LogLevel.Error, "The time-series store cannot write {File}: {Reason}; points wait in memory up to {MaxPendingChars} characters, beyond that they are dropped and counted; logged again when writes work")]
    public static partial void StoreWriteFailing(ILogger logger, string file, string reason, int maxPendingChars);

    [LoggerMessage(1651, LogLevel.Information, "The time-series store writes to {Folder} again; {Dropped} points were dropped in all while it could not")]
    public static partial void StoreWritesAgain(ILogger logger, string folder, long dropped);

    [LoggerMessage(1652, LogLevel.Warning, "{File} ended in a torn line ({Bytes} bytes, a crash or a failed write in the middle of an append): cut back to its last whole line; dropped: {Dropped}")]
    public static partial void StoreTornLineRepaired(ILogger logger, string file, long bytes, string dropped);

    [LoggerMessage(1653, LogLevel.Critical, "The data folder {Folder} is not writable: {Reason}; state changes are kept in memory only and are lost at a restart")]
    public static partial void DataFolderNotWritable(ILogger logger, string folder, string reason);

    [LoggerMessage(1654, LogLevel.Information, "The data folder {Folder} is writable again")]
    public static partial void DataFolderWritableAgain(ILogger logger, string folder);

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

    // MQTT: 1300–1399. The link logs its connection once per change of state (a broker down for an
    // hour is one warning, not 120), and a failing handler once until it succeeds again.
    [LoggerMessage(1300, LogLevel.Information, "Connected to MQTT broker {Broker} as {ClientId} (session present: {SessionPresent})")]
    public static partial void MqttConnected(ILogger logger, string broker, string clientId, bool sessionPresent);

    [LoggerMessage(1301, LogLevel.Warning, "Cannot connect to MQTT broker {Broker}: {Reason}; retrying in {DelayMilliseconds} ms, then with growing backoff")]
    public static partial void MqttConnectFailed(ILogger logger, string broker, string reason, long delayMilliseconds);

    [LoggerMessage(1302, LogLevel.Debug, "Connecting to MQTT broker {Broker} failed again: {Reason}; next try in {DelayMilliseconds} ms")]
    public static partial void MqttReconnectFailed(ILogger logger, string broker, string reason, long delayMilliseconds);

    [LoggerMessage(1303, LogLevel.Information, "Reconnected to MQTT broker {Broker} after {DownMilliseconds} ms down (session present: {SessionPresent})")]
    public static partial void MqttReconnected(ILogger logger, string broker, long downMilliseconds, bool sessionPresent);

    [LoggerMessage(1304, LogLevel.Warning, "Lost the connection to MQTT broker {Broker}: {Reason}; reconnecting")]
    public static partial void MqttConnectionLost(ILogger logger, string broker, string reason);

    [LoggerMessage(1305, LogLevel.Error, "MQTT broker {Broker} refused client {ClientId}: {Reason}; retrying every {DelayMilliseconds} ms until the configuration is fixed")]
    public static partial void MqttRefused(ILogger logger, string broker, string clientId, string reason, long delayMilliseconds);

    [LoggerMessage(1306, LogLevel.Warning, "MQTT broker {Broker} no longer had the session of {ClientId}: QoS 1 messages published while we were away are lost")]
    public static partial void MqttSessionLost(ILogger logger, string broker, string clientId);

    [LoggerMessage(1307, LogLevel.Warning, "MQTT broker {Broker} did not grant the subscription to {TopicFilter}: {Reason}")]
    public static partial void MqttSubscriptionRejected(ILogger logger, string broker, string topicFilter, string reason);

    [LoggerMessage(1308, LogLevel.Error, "The handler of MQTT topic filter {TopicFilter} failed on a message on {Topic}; the message is acknowledged, the link goes on, further failures are counted")]
    public static partial void MqttHandlerFailed(ILogger logger, string topicFilter, string topic, Exception exception);

    [LoggerMessage(1309, LogLevel.Information, "The handler of MQTT topic filter {TopicFilter} works again after {Failures} failed messages")]
    public static partial void MqttHandlerRecovered(ILogger logger, string topicFilter, long failures);

    [LoggerMessage(1310, LogLevel.Error, "A subscriber to the MQTT link state of {Broker} failed")]
    public static partial void MqttStateSubscriberFailed(ILogger logger, string broker, Exception exception);

    [LoggerMessage(1311, LogLevel.Error, "The MQTT link to {Broker} failed unexpectedly; it starts over with backoff")]
    public static partial void MqttSupervisorFailed(ILogger logger, string broker, Exception exception);

    [LoggerMessage(1312, LogLevel.Information, "Disconnected from MQTT broker {Broker} (link stopped)")]
    public static partial void MqttStopped(ILogger logger, string broker);

    [LoggerMessage(1320, LogLevel.Information, "Embedded MQTT broker listening on {Endpoint} ({Authentication})")]
    public static partial void MqttBrokerListening(ILogger logger, string endpoint, string authentication);

    [LoggerMessage(1321, LogLevel.Warning, "Embedded MQTT broker refused client {ClientId} from {Remote}: bad user name or password")]
    public static partial void MqttBrokerRefusedClient(ILogger logger, string clientId, string remote);

    [LoggerMessage(1322, LogLevel.Information, "Embedded MQTT broker on {Endpoint} stopped")]
    public static partial void MqttBrokerStopped(ILogger logger, string endpoint);

    [LoggerMessage(1323, LogLevel.Warning, "The embedded MQTT broker disconnected {Client}: it announced a packet of {Declared} bytes, the limit is {Limit} ({Count} so far)")]
    public static partial void MqttBrokerOversizedPacket(ILogger logger, string client, long declared, int limit, long count);

    [LoggerMessage(1330, LogLevel.Warning, "Embedded MQTT broker refused client {ClientId} from {Remote}: {Refusal}")]
    public static partial void MqttBrokerRefusedConnect(ILogger logger, string clientId, string remote, string refusal);

    [LoggerMessage(1331, LogLevel.Warning, "Embedded MQTT broker refused {What} on {Topic} by client {ClientId} ({Who}, {Role}): {Why} ({Count} refused so far)")]
    public static partial void MqttBrokerRefusedTopic(ILogger logger, string what, string topic, string clientId, string who, string role, string why, long count);

    // Prices: 1400–1499. A failed import changes nothing and says why; the future prices survive
    // restarts in DATA/prices/last-good.csv.
    [LoggerMessage(1400, LogLevel.Information, "Imported {Slots} price slots from {Source} ({Currency}, {SlotMinutes}-minute slots, {First} to {End}, {Gaps} gaps); {KnownSlots} slots known")]
    public static partial void PricesImported(ILogger logger, string source, int slots, string currency, int slotMinutes, string first, string end, int gaps, int knownSlots);

    [LoggerMessage(1401, LogLevel.Error, "Price import from {Source} failed with {Errors} errors; the prices known before stay. First: {FirstError}")]
    public static partial void PriceImportFailed(ILogger logger, string source, int errors, string firstError);

    [LoggerMessage(EventId = 1402, Message = "Price import: {Issue}")]
    public static partial void PriceImportIssue(ILogger logger, LogLevel level, Prices.PriceImportIssue issue);

    [LoggerMessage(1403, LogLevel.Error, "Prices from {Source} do not fit the prices held: {Reason}; import rejected, the prices known before stay")]
    public static partial void PriceImportIncompatible(ILogger logger, string source, string reason);

    [LoggerMessage(1404, LogLevel.Information, "Prices from {Source} come in {NewSlotMinutes}-minute slots, those held in {HeldSlotMinutes}-minute slots; the longer slots were split to merge them")]
    public static partial void PriceSlotLengthChanged(ILogger logger, string source, int newSlotMinutes, int heldSlotMinutes);

    [LoggerMessage(1410, LogLevel.Debug, "Saved {Slots} future price slots to {File}")]
    public static partial void LastGoodSaved(ILogger logger, int slots, string file);

    [LoggerMessage(1411, LogLevel.Error, "Could not save the last good prices to {File}: {Reason}; the previous file stays")]
    public static partial void LastGoodSaveFailed(ILogger logger, string file, string reason);

    [LoggerMessage(1412, LogLevel.Information, "Loaded {Slots} last good price slots from {File} ({First} to {End})")]
    public static partial void LastGoodLoaded(ILogger logger, int slots, string file, string first, string end);

    [LoggerMessage(1413, LogLevel.Critical, "The last good prices in {File} are unreadable or implausible ({Reason}); moved to {CorruptFile}, starting without them")]
    public static partial void LastGoodCorrupt(ILogger logger, string file, string reason, string corruptFile);

    [LoggerMessage(1414, LogLevel.Information, "No last good prices in {File} yet")]
    public static partial void LastGoodMissing(ILogger logger, string file);

    // Plausible prices: 1600–1649. A refused document is logged with its reason and line, raised as
    // prices.refused, and changes nothing.
    [LoggerMessage(1600, LogLevel.Warning, "Cleared the last good prices in {File} ({Removed} files removed)")]
    public static partial void LastGoodCleared(ILogger logger, string file, int removed);

    [LoggerMessage(1601, LogLevel.Error, "Prices from {Source} refused: they are in {Currency}, the site accounts in {Expected}; the prices known before stay")]
    public static partial void PriceCurrencyRefused(ILogger logger, string source, string currency, string expected);

    [LoggerMessage(1602, LogLevel.Information, "Prices from {Source} (published {Published}): {Replaced} slots taken, {Kept} slots kept from a later publication")]
    public static partial void PricesMergedByPublication(ILogger logger, string source, string published, int replaced, int kept);

    [LoggerMessage(1203, LogLevel.Error, "Polling Modbus device {Device} failed unexpectedly; its next poll tries again")]
    public static partial void DevicePollFailed(ILogger logger, string device, Exception exception);

    // Alarms: 1500–1509. What an operator must see; each is also in /api/status and /health.
    [LoggerMessage(1500, LogLevel.Warning, "Alarm {Key}: {Message} (seen {Count} times)")]
    public static partial void AlarmWarning(ILogger logger, string key, string message, long count);

    [LoggerMessage(1501, LogLevel.Critical, "Alarm {Key}: {Message} (seen {Count} times)")]
    public static partial void AlarmCritical(ILogger logger, string key, string message, long count);

    [LoggerMessage(1502, LogLevel.Information, "Alarm {Key} cleared: {Message}")]
    public static partial void AlarmCleared(ILogger logger, string key, string message);

    // History (InfluxDB through the disk spool): 1700–1739.
    [LoggerMessage(1700, LogLevel.Information, "History: points go through the spool {Folder} (limit {LimitBytes} bytes) to {Url}, org {Org}, bucket {Bucket}; token: {Token}")]
    public static partial void HistoryWriting(ILogger logger, string folder, long limitBytes, string url, string org, string bucket, string token);

    [LoggerMessage(1701, LogLevel.Information, "History spool {Folder}: {Segments} segment files, {PendingPoints} points ({PendingBytes} bytes) not yet acknowledged by the database are sent first")]
    public static partial void HistorySpoolOpened(ILogger logger, string folder, int segments, long pendingPoints, long pendingBytes);

    [LoggerMessage(1702, LogLevel.Warning, "History spool {File}: {Bytes} bytes after its last whole batch cut off (a crash in the middle of an append, or a damaged batch)")]
    public static partial void HistorySpoolTornTail(ILogger logger, string file, long bytes);

    [LoggerMessage(1703, LogLevel.Error, "History spool over its limit of {LimitBytes} bytes: the oldest segment {File} was dropped with {Points} points the database never acknowledged ({Dropped} dropped in all)")]
    public static partial void HistorySpoolDropped(ILogger logger, long limitBytes, string file, long points, long dropped);

    [LoggerMessage(1704, LogLevel.Warning, "History: writing to {Url} fails: {Reason}; points stay in the spool and are retried with backoff up to {MaxBackoffSeconds} s; logged again when it works")]
    public static partial void HistorySendFailing(ILogger logger, string url, string reason, double maxBackoffSeconds);

    [LoggerMessage(1705, LogLevel.Information, "History: writing to {Url} works again after {DownSeconds} s; {PendingPoints} points spooled meanwhile are being sent")]
    public static partial void HistorySendsAgain(ILogger logger, string url, double downSeconds, long pendingPoints);

    [LoggerMessage(1706, LogLevel.Error, "The history queue is full ({Capacity} points): new points are being rejected and counted")]
    public static partial void HistoryQueueFull(ILogger logger, int capacity);

    [LoggerMessage(1707, LogLevel.Error, "History spool {Folder} cannot be written: {Reason}; points wait in the bounded queue (then are rejected and counted); logged again when it works")]
    public static partial void HistorySpoolWriteFailing(ILogger logger, string folder, string reason);

    [LoggerMessage(1708, LogLevel.Information, "History spool {Folder} is written again")]
    public static partial void HistorySpoolWritesAgain(ILogger logger, string folder);

    [LoggerMessage(1709, LogLevel.Warning, "History spool: the acknowledged position could not be saved ({Reason}); after a restart up to the last saved one is sent again")]
    public static partial void HistoryAckNotSaved(ILogger logger, string reason);

    [LoggerMessage(1710, LogLevel.Error, "History: {Url} refused a batch of {Points} points as bad data ({Reason}); it is skipped and counted as dropped")]
    public static partial void HistoryBatchRefused(ILogger logger, string url, int points, string reason);

    [LoggerMessage(1711, LogLevel.Warning, "History spool: the acknowledged position in {File} is unreadable ({Reason}); everything in the spool is sent again (duplicates possible, nothing lost)")]
    public static partial void HistoryAckUnreadable(ILogger logger, string file, string reason);

    [LoggerMessage(1712, LogLevel.Information, "History stopped: {PendingPoints} points not yet acknowledged stay in the spool for the next start; {Unspooled} points could not be spooled and are lost")]
    public static partial void HistoryStopped(ILogger logger, long pendingPoints, int unspooled);
}
