namespace Energy.Telemetry.Storage;

/// <summary>The torn last line cut off a file: how many bytes, and how it began.</summary>
public sealed record TornTail(long Bytes, string Start);
