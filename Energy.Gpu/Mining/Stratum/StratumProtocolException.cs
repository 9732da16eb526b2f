namespace Energy.Gpu.Mining.Stratum;

/// <summary>The pool said something that does not follow Stratum v1, or refused a request the session needs.</summary>
public class StratumProtocolException : Exception
{
    public StratumProtocolException()
    {
    }

    public StratumProtocolException(string message)
        : base(message)
    {
    }

    public StratumProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
