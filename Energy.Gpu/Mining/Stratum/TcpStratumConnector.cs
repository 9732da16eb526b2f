using System.Net.Sockets;

namespace Energy.Gpu.Mining.Stratum;

/// <summary>Connects to a pool over TCP, by host name or address.</summary>
public sealed class TcpStratumConnector : IStratumConnector
{
    // Probes after a minute of silence, three of them ten seconds apart: a pool that vanished without
    // a FIN (NAT expiry, power loss) is noticed in ~90 s even between the client's own read timeouts.
    private const int KeepAliveIdleSeconds = 60;
    private const int KeepAliveIntervalSeconds = 10;
    private const int KeepAliveProbes = 3;

    private readonly StratumEndpoint _endpoint;

    public TcpStratumConnector(StratumEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
    }

    public string Endpoint => _endpoint.ToString();

    public async ValueTask<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        // NoDelay: a share is one short line, and every millisecond Nagle holds it back is a
        // millisecond closer to a new block making it stale.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, KeepAliveIdleSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, KeepAliveIntervalSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, KeepAliveProbes);
            await socket.ConnectAsync(_endpoint.Host, _endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
