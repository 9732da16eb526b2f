namespace Energy.Telemetry.History;

/// <summary>The history's numbers, as <c>/api/history</c> shows them.</summary>
/// <param name="Target">The database (no credentials).</param>
/// <param name="Queued">Points in memory waiting for the spool writer (bounded by <paramref name="QueueCapacity"/>).</param>
/// <param name="Rejected">Points refused because the queue was full.</param>
/// <param name="PendingPoints">Points in the spool the database has not acknowledged.</param>
/// <param name="SpooledBytes">Bytes of those points in the spool.</param>
/// <param name="SpoolDiskBytes">What the spool's files take now; <paramref name="SpoolPeakBytes"/> the most since start.</param>
/// <param name="AcknowledgedPoints">Points the database acknowledged since start.</param>
/// <param name="DroppedPoints">Unsent points dropped, oldest first, because the spool reached <paramref name="SpoolLimitBytes"/>.</param>
/// <param name="RefusedPoints">Points the database refused as bad data (skipped).</param>
/// <param name="LastError">Why the last write failed, while writes fail; null when they work.</param>
/// <param name="FailingSince">When writes began to fail, or null.</param>
/// <param name="LagSeconds">How long the oldest unacknowledged point has waited in the spool (0 when none waits).</param>
public sealed record HistoryStatus(
    string Target,
    int Queued,
    int QueueCapacity,
    long Rejected,
    long PendingPoints,
    long SpooledBytes,
    long SpoolDiskBytes,
    long SpoolPeakBytes,
    long SpoolLimitBytes,
    long AcknowledgedPoints,
    long DroppedPoints,
    long RefusedPoints,
    string? LastError,
    DateTimeOffset? FailingSince,
    double LagSeconds);
