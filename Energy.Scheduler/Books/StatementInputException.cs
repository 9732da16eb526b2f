namespace Energy.Scheduler.Books;

/// <summary>A ledger a statement cannot be made from (an empty one, an unknown time zone): the message says why.</summary>
public sealed class StatementInputException : Exception
{
    public StatementInputException()
    {
    }

    public StatementInputException(string message)
        : base(message)
    {
    }

    public StatementInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
