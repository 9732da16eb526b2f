namespace Energy.Scheduler.Books;

/// <summary>The ledger's own state for the status page and <c>/api/ledger/status</c>.</summary>
/// <param name="Path">The database file.</param>
/// <param name="SlotsWritten">Closed slots in it.</param>
/// <param name="OpenSlotStart">Start of the slot in progress; null before the first tick.</param>
/// <param name="CheckpointAt">When the slot in progress was last checkpointed.</param>
/// <param name="LastError">Why the last write failed; null while writes succeed.</param>
public sealed record LedgerStatus(string Path, long SlotsWritten, DateTimeOffset? OpenSlotStart, DateTimeOffset? CheckpointAt, string? LastError);
