namespace Energy.Scheduler.Books;

/// <summary>The party of a statement: a tenant or heat buyer by name, or the facility (no name).</summary>
public sealed record StatementParty(StatementKind Kind, string? Name)
{
    public static StatementParty Facility { get; } = new(StatementKind.Facility, null);

    public static StatementParty Tenant(string name) => new(StatementKind.Tenant, name);

    public static StatementParty HeatBuyer(string name) => new(StatementKind.HeatBuyer, name);

    /// <summary>tenant, heat-buyer or facility: the word in file names, JSON and CSV.</summary>
    public string KindName => Kind switch
    {
        StatementKind.Tenant => "tenant",
        StatementKind.HeatBuyer => "heat-buyer",
        _ => "facility",
    };

    /// <summary>"tenant acme", "heat buyer spa", "facility": how the statement names its party.</summary>
    public override string ToString() => Name is null ? KindName : $"{(Kind == StatementKind.HeatBuyer ? "heat buyer" : KindName)} {Name}";
}
