namespace Energy.Telemetry.History;

/// <summary>Batches read from the spool to send together: their line protocol, their points, where the spool stands after them.</summary>
/// <param name="Payloads">One line-protocol text per spooled batch (lines separated by newlines, none at the end).</param>
/// <param name="End">The position to acknowledge once the database took them.</param>
/// <param name="OldestAppendedAt">When the first of them was appended (the history's lag).</param>
public sealed record SpoolBatch(IReadOnlyList<string> Payloads, int Points, SpoolPosition End, DateTimeOffset OldestAppendedAt);
