namespace Energy.Telemetry.Modbus.Polling;

/// <summary>How one device's polling goes, for the API, benchmarks and the log.</summary>
/// <param name="ConsecutiveFailures">Failed polls in a row; it sets the back-off.</param>
/// <param name="LastError">Why the last failed poll failed; null after a good one.</param>
public sealed record DeviceHealth(string Device, long Polls, long FailedPolls, int ConsecutiveFailures, string? LastError, DateTimeOffset? LastGoodPoll);
