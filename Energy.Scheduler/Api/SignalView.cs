namespace Energy.Scheduler.Api;

/// <summary>
/// One input in <c>GET /api/signals</c>: its latest value (null when Bad), quality, why, where from, how
/// old, and how many of its MQTT payloads were Bad since start.
/// </summary>
public sealed record SignalView(string Name, double? Value, string Unit, string Quality, string? Reason, string Source, double AgeSeconds, long BadPayloads);
