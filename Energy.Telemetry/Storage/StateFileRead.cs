namespace Energy.Telemetry.Storage;

/// <summary>A state file as read: its status, its body (Good or Unchecked) or what is wrong with it (Corrupt).</summary>
public sealed record StateFileRead(StateFileStatus Status, string? Body, string? Problem);
