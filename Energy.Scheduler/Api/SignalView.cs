namespace Energy.Scheduler.Api;

/// <summary>One input in <c>GET /api/signals</c>: its latest value (null when Bad), quality, why, where from, how old.</summary>
public sealed record SignalView(string Name, double? Value, string Unit, string Quality, string? Reason, string Source, double AgeSeconds);
