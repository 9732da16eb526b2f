namespace Energy.Telemetry.History;

/// <summary>The database refused a batch as bad data (HTTP 400, 413, 422): it is skipped and counted, not retried forever.</summary>
public sealed class HistoryWriteRefusedException : Exception
{
    public HistoryWriteRefusedException()
    {
    }

    public HistoryWriteRefusedException(string message) : base(message)
    {
    }

    public HistoryWriteRefusedException(string message, Exception inner) : base(message, inner)
    {
    }
}
