namespace Energy.Scheduler.Books;

/// <summary>
/// What the arguments of a statement are called where they are given, so that the command line and the HTTP
/// API refuse bad input with the same sentences, each in its own words for the argument.
/// </summary>
public sealed record StatementArgumentNames(string From, string To, string Tenant, string HeatBuyer, string Facility, string Format)
{
    public static StatementArgumentNames Cli { get; } = new("--from", "--to", "--tenant", "--heat-buyer", "--facility", "--format");

    public static StatementArgumentNames Http { get; } = new("from", "to", "tenant", "heatBuyer", "facility=true", "format");
}
