namespace Energy.Scheduler.Books;

/// <summary>
/// One submitted proof-of-useful-work ticket as the proof ledger keeps it (docs/pouw.md): when, whose job, under which
/// header, the ticket's id (its tile hash, hex), the outcome (<see cref="Accepted"/> or the rejection's reason, e.g.
/// <c>wrong-opening</c>), why, and for an accepted ticket its work units (the job's m·n·k multiply-adds) and value.
/// </summary>
/// <param name="Tenant">The header's tenant; empty for a body that named none (malformed).</param>
/// <param name="Value">What the ticket earns in <paramref name="Currency"/>: the site's per-ticket mining revenue when accepted, else 0.</param>
public sealed record PouwLedgerEntry(
    DateTimeOffset At,
    string Tenant,
    string Job,
    long Sequence,
    string TicketId,
    string Outcome,
    string Detail,
    long WorkUnits,
    double Value,
    string Currency)
{
    /// <summary>The outcome of an accepted ticket.</summary>
    public const string Accepted = "accepted";

    public bool IsAccepted => Outcome == Accepted;
}

/// <summary>The proof ledger's tickets of one tenant with one outcome: how many, their work units and value.</summary>
public sealed record PouwLedgerTotal(string Tenant, string Outcome, long Tickets, long WorkUnits, double Value);
