namespace Energy.Scheduler.Security;

/// <summary>A <c>heatgrid users</c> request that cannot be done; the message is the sentence to show.</summary>
public sealed class UserStoreException : Exception
{
    public UserStoreException()
    {
    }

    public UserStoreException(string message)
        : base(message)
    {
    }

    public UserStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
