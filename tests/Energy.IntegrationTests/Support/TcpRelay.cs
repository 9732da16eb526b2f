using System.Net;
using System.Net.Sockets;

namespace Energy.IntegrationTests.Support;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a server, for network failures the client under test did not
/// choose: <see cref="CutAll"/> resets every relayed connection (to an MQTT broker an unclean loss, so
/// it publishes the client's will), and <see cref="Refusing"/> resets new ones while the server is up.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];
    private readonly Task _accepting;
    private int _accepted;

    private TcpRelay(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>Connections accepted so far, refused ones included.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>While true, each new connection is reset as soon as it is accepted.</summary>
    public bool Refusing { get; set; }

    /// <summary>
    /// While true, nothing is forwarded either way and nothing is closed: a network partition, or a host that froze or lost
    /// power, as both ends see it (their connections look open; only timeouts tell).
    /// </summary>
    public bool Frozen { get; set; }

    public static TcpRelay Start(int targetPort) => new(targetPort);

    /// <summary>Resets every relayed connection, both sides, without any goodbye.</summary>
    public void CutAll()
    {
        lock (_open)
        {
            foreach (var socket in _open)
            {
                Reset(socket);
            }

            _open.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            if (Refusing)
            {
                Reset(client);
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Reset(client);
            server.Dispose();
            return;
        }

        lock (_open)
        {
            _open.Add(client);
            _open.Add(server);
        }

        // Either direction ending ends both: a half-open relay would hide the failure under test.
        await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        lock (_open)
        {
            _open.Remove(client);
            _open.Remove(server);
        }

        Reset(client);
        Reset(server);
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                while (Frozen && !_stop.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20));
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }
}
