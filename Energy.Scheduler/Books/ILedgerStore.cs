namespace Energy.Scheduler.Books;

/// <summary>
/// Where the energy ledger is kept: an embedded SQLite file in the data folder (<see cref="LedgerStore"/>, the default),
/// or the PostgreSQL database the controllers of a site share (<c>--ha</c>, <see cref="Ha.PgLedgerStore"/>). The recorder
/// and the proof-of-useful-work books are the same code for both; only where the rows land differs. A slot is written once
/// (keyed by its start); the slot in progress is a checkpoint that a restarted (or, with <c>--ha</c>, a new leading)
/// controller resumes.
/// </summary>
public interface ILedgerStore : ILedgerReader, IDisposable
{
    /// <summary>Where the ledger is, for messages: a file's path, or the database and site.</summary>
    string Path { get; }

    /// <summary>Migrations applied by this open (0 for a ledger already current).</summary>
    int MigrationsRun { get; }

    /// <summary>The ledger's schema version.</summary>
    int SchemaVersion { get; }

    /// <summary>Says what the books are kept for (the latest site, zone and currency).</summary>
    void WriteInfo(LedgerInfo info);

    /// <summary>Closed slots written.</summary>
    long SlotCount();

    /// <summary>
    /// Writes closed slots and the checkpoint that follows them in one transaction: either both are kept or neither. A slot
    /// already there (a replay) is left as it is; returns how many were new.
    /// </summary>
    /// <exception cref="LedgerWriteException">The database refused or could not take the write (or this controller no longer leads); nothing of it was kept.</exception>
    /// <exception cref="Microsoft.Data.Sqlite.SqliteException">The file refused the write; nothing of it was kept.</exception>
    int Commit(IReadOnlyList<LedgerSlot> closed, LedgerCheckpoint? checkpoint, LedgerSlot? inProgress, DateTimeOffset now);

    /// <summary>The checkpoint of the slot in progress, or null where there is none.</summary>
    LedgerCheckpoint? ReadCheckpoint();

    /// <summary>When the checkpoint was last saved; null without one.</summary>
    DateTimeOffset? CheckpointSavedAt();

    /// <summary>
    /// Appends one ticket's entry. An accepted entry whose ticket id was accepted before is not written: false. The check
    /// and the write are one statement, so two submissions of one ticket cannot both be accepted.
    /// </summary>
    bool RecordPouw(PouwLedgerEntry entry);

    /// <summary>Records one logged request batch of a PoUW job (its activations root, hex); a root logged before is kept once.</summary>
    void RecordPouwBatch(DateTimeOffset at, string tenant, string job, string rootHex) => RecordPouwBatches(at, tenant, job, [rootHex]);

    /// <summary>Records several logged batches in one transaction (all or none).</summary>
    void RecordPouwBatches(DateTimeOffset at, string tenant, string job, IReadOnlyList<string> rootsHex);

    /// <summary>The newest <paramref name="limit"/> batches logged per job, oldest first within each job.</summary>
    IReadOnlyList<(string Tenant, string Job, string Root)> ReadPouwBatches(int limit);

    /// <summary>True when a ticket with this id was accepted.</summary>
    bool IsPouwAccepted(string ticketId);

    /// <summary>The proof ledger summed per tenant and outcome (all time).</summary>
    IReadOnlyList<PouwLedgerTotal> PouwTotals();
}

/// <summary>
/// A ledger write that did not happen: the disk or the database refused it, or (with <c>--ha</c>) this controller no
/// longer leads and another one keeps the books. Nothing of the write was kept; the recorder holds the slots in memory.
/// </summary>
public sealed class LedgerWriteException : Exception
{
    public LedgerWriteException()
    {
    }

    public LedgerWriteException(string message) : base(message)
    {
    }

    public LedgerWriteException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>True when the write was refused because another controller leads (fenced), not because of a fault.</summary>
    public bool Fenced { get; init; }
}
