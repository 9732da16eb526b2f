namespace Energy.Scheduler.Books;

/// <summary>A tenant or heat buyer the ledger does not know in the window: the message lists those it knows.</summary>
public sealed class StatementPartyException : Exception
{
    public StatementPartyException()
    {
    }

    public StatementPartyException(string message)
        : base(message)
    {
    }

    public StatementPartyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
