namespace Energy.Gpu.Mining.Stratum;

/// <summary>The pool refused <c>mining.authorize</c>; reconnecting would not help, so the client stops.</summary>
public sealed class StratumAuthorizationException : StratumProtocolException
{
    public StratumAuthorizationException()
    {
    }

    public StratumAuthorizationException(string message)
        : base(message)
    {
    }

    public StratumAuthorizationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
