namespace Energy.Telemetry.History;

/// <summary>The database end of the history: writes line protocol (millisecond timestamps) and returns once it was acknowledged.</summary>
public interface IHistoryWriter
{
    /// <summary>Where it writes, for logs and status (no credentials).</summary>
    string Target { get; }

    /// <summary>Writes the lines; returns when the database acknowledged them (HTTP 204).</summary>
    /// <exception cref="HistoryWriteRefusedException">The database refused the data itself (bad line protocol): retrying cannot help.</exception>
    /// <remarks>Any other exception is a failure worth retrying (unreachable, timeout, 5xx, 401/403 until the token is fixed).</remarks>
    Task WriteAsync(IReadOnlyList<string> lineProtocol, CancellationToken cancellationToken);
}
