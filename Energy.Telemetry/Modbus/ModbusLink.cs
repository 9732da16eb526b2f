using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Modbus;

/// <summary>
/// A client's link to its device: the open connection, if any; connecting with a timeout; the
/// backoff after failures; and logging of the link's ups and downs once per change of state, not
/// once per failed poll. The owning client serialises calls.
/// </summary>
internal sealed class ModbusLink(ModbusClientOptions options, TimeProvider time, ILogger logger, Func<CancellationToken, ValueTask<Stream>> connect)
{
    private readonly ReconnectBackoff _backoff = new(options.InitialBackoff, options.MaxBackoff, time);
    private readonly string _endpoint = options.Endpoint.ToString();
    private volatile ModbusConnection? _connection;
    private bool _reportedDown;
    private long _downSince;

    public bool IsConnected => _connection is not null;

    /// <summary>
    /// The open connection, or a new one. While the backoff runs this fails at once rather than
    /// make the caller wait: a poller is better told "down" now than blocked for 30 s.
    /// </summary>
    /// <exception cref="ModbusConnectionException">Backing off, or the connect attempt failed.</exception>
    public async ValueTask<ModbusConnection> ConnectionAsync(CancellationToken ct)
    {
        if (_connection is { } open)
        {
            return open;
        }

        var wait = _backoff.Remaining;
        if (wait > TimeSpan.Zero)
        {
            throw new ModbusConnectionException($"{_endpoint} is unreachable ({_backoff.LastFailure}); reconnecting in {ReconnectBackoff.Milliseconds(wait)} ms");
        }

        using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        Stream stream;
        try
        {
            stream = await connect(linked.Token);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw ConnectFailed($"no connection within {ReconnectBackoff.Milliseconds(options.ConnectTimeout)} ms", e);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw ConnectFailed(e.Message, e);
        }

        if (_reportedDown)
        {
            Log.ModbusReconnected(logger, _endpoint, ReconnectBackoff.Milliseconds(time.GetElapsedTime(_downSince)));
        }
        else
        {
            Log.ModbusConnected(logger, _endpoint);
        }

        _reportedDown = false;
        var connection = new ModbusConnection(stream, time, logger, _endpoint);
        _connection = connection;
        return connection;
    }

    /// <summary>A well-formed reply arrived: the next failure starts the backoff over.</summary>
    public void Succeeded() => _backoff.Reset();

    /// <summary>
    /// Closes the connection after a failure. With <paramref name="backoff"/> the next connect waits
    /// its turn; without, it may go at once (the link looked fine, only replies were missing).
    /// </summary>
    public async ValueTask DropAsync(string reason, bool backoff)
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
            Log.ModbusConnectionLost(logger, _endpoint, reason);
            MarkDown();
        }

        if (backoff)
        {
            _backoff.Fail(reason);
        }
    }

    /// <summary>Closes the connection without counting it as a failure.</summary>
    public async ValueTask CloseAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    /// <summary>Production's connect: TCP to the endpoint, by name or address.</summary>
    public static async ValueTask<Stream> ConnectTcpAsync(ModbusEndpoint endpoint, CancellationToken ct)
    {
        // NoDelay: requests are small and strictly request/response; Nagle would hold each one back.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            await socket.ConnectAsync(endpoint.Host, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private ModbusConnectionException ConnectFailed(string reason, Exception inner)
    {
        var delay = ReconnectBackoff.Milliseconds(_backoff.Fail(reason));
        if (_reportedDown)
        {
            Log.ModbusReconnectFailed(logger, _endpoint, reason, delay);
        }
        else
        {
            Log.ModbusConnectFailed(logger, _endpoint, reason, delay);
            MarkDown();
        }

        return new ModbusConnectionException($"cannot connect to {_endpoint}: {reason}; reconnecting in {delay} ms", inner);
    }

    private void MarkDown()
    {
        if (!_reportedDown)
        {
            _reportedDown = true;
            _downSince = time.GetTimestamp();
        }
    }
}
