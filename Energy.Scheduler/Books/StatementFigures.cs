namespace Energy.Scheduler.Books;

/// <summary>
/// The figures of one statement line for one kind of party: sums of the ledger's slots, unrounded, from which
/// the derived figures (compliance, weighted temperature, net) are computed only when read, so that a total is
/// the sum of its parts and not of their roundings.
/// </summary>
public abstract class StatementFigures
{
    /// <summary>Every figure, in the order every format gives them; the same names whether or not a slot was added.</summary>
    public abstract IReadOnlyList<StatementField> Fields();

    /// <summary>Adds the party's share of one slot.</summary>
    internal abstract void AddSlot(LedgerSlot slot);

    /// <summary>Adds the party's share of one proof-of-useful-work ticket (a tenant's accepted ones); nothing for other parties.</summary>
    internal virtual void AddPouw(PouwLedgerEntry entry)
    {
    }

    /// <summary>Adds another line's figures of the same party (an hour into its day).</summary>
    internal abstract void Add(StatementFigures other);

    /// <summary>Empty figures for the same party.</summary>
    internal abstract StatementFigures Empty();

    internal static StatementFigures For(StatementParty party) => party.Kind switch
    {
        StatementKind.Tenant => new StatementTenantFigures(party.Name!),
        StatementKind.HeatBuyer => new StatementHeatBuyerFigures(party.Name!),
        _ => new StatementFacilityFigures(),
    };

    /// <summary>The bases of the energy in a line, e.g. "counter" or "counter+integrated"; null for a line without slots.</summary>
    internal static string? BasisText(IReadOnlySet<EnergyBasis> bases) =>
        bases.Count == 0 ? null : string.Join("+", bases.Order().Select(b => b.ToString().ToLowerInvariant()));

    internal static T Same<T>(StatementFigures other)
        where T : StatementFigures =>
        other as T ?? throw new ArgumentException($"a {typeof(T).Name} line cannot take {other.GetType().Name} figures", nameof(other));
}
