namespace Energy.Scheduler.Books;

/// <summary>A statement as asked for, unchecked: the text of each argument, null where it was not given.</summary>
public sealed record StatementArguments(string? From, string? To, string? Tenant, string? HeatBuyer, bool Facility, string? Format);
