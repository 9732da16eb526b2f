namespace Energy.Scheduler.Books;

/// <summary>
/// A statement made from the energy ledger: for one party, over local days <see cref="From"/> to <see cref="To"/>
/// (inclusive) in the site's time zone, as hourly, daily and monthly lines and the window's total. Every figure
/// is a sum of the ledger's unrounded slot figures; formats round money to cents when they present it.
/// </summary>
/// <param name="Info">The site, time zone and currency of the ledger.</param>
/// <param name="Party">For whom.</param>
/// <param name="From">First local day.</param>
/// <param name="To">Last local day, inclusive.</param>
/// <param name="Members">The tenant's workloads or the heat buyer's loops seen in the window; empty for the facility.</param>
/// <param name="LatestSlotEnd">End of the latest ledger slot in the window (local), null when it has none.</param>
/// <param name="Hourly">Every local hour of the window (23 on a spring DST day, 25 on an autumn one).</param>
/// <param name="Daily">Every local day.</param>
/// <param name="Monthly">Every calendar month the window touches, cut to the window.</param>
/// <param name="Total">The whole window.</param>
public sealed record Statement(
    LedgerInfo Info,
    StatementParty Party,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<string> Members,
    DateTimeOffset? LatestSlotEnd,
    IReadOnlyList<StatementLine> Hourly,
    IReadOnlyList<StatementLine> Daily,
    IReadOnlyList<StatementLine> Monthly,
    StatementLine Total)
{
    /// <summary>What the statement says beside its figures (how DR credits are counted).</summary>
    public IReadOnlyList<string> Notes => Party.Kind == StatementKind.Facility
        ? ["DR credits are 0: the site has no credit rate; the curtailments are counted and timed, not paid."]
        : [];
}
