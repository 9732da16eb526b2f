namespace Energy.Gpu.Mining.Stratum;

/// <summary>
/// Opens one connection to the pool for a <see cref="StratumClient"/>: TCP in production
/// (<see cref="TcpStratumConnector"/>), an in-memory stream in tests. The client applies the connect
/// timeout through <paramref name="cancellationToken"/> and owns the stream it gets.
/// </summary>
public interface IStratumConnector
{
    /// <summary>Where it connects, for logs (<c>HOST:PORT</c>).</summary>
    string Endpoint { get; }

    ValueTask<Stream> ConnectAsync(CancellationToken cancellationToken);
}
