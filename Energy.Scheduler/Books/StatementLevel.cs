namespace Energy.Scheduler.Books;

/// <summary>What a statement line covers: a local hour, a local day, a calendar month (within the window) or the whole window.</summary>
public enum StatementLevel
{
    Hour,
    Day,
    Month,
    Total,
}
