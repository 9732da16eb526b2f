using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Modbus;

/// <summary>
/// An in-process Modbus TCP server for HeatGrid's device simulators and tests: many clients at
/// once, each on its own task, answering FC 1–6, 15 and 16 for the unit ids it was given. Requests
/// on one connection are answered in order; a malformed request closes only that connection.
/// </summary>
public sealed class ModbusTcpServer : IAsyncDisposable
{
    private readonly IPEndPoint _listenOn;
    private readonly IReadOnlyDictionary<byte, IModbusDataBank> _units;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private Socket? _listener;
    private Task _accepting = Task.CompletedTask;
    private ModbusRequestHandler? _handler;
    private long _requestsServed;
    private long _connectionIds;
    private bool _disposed;

    /// <param name="listenOn">Port 0 picks a free port; read it from <see cref="LocalEndpoint"/> after starting.</param>
    /// <param name="units">What to serve per unit id. A request for another unit id gets no answer, as from pymodbus or an RTU bus with nobody at that address, unless <see cref="GatewayMode"/>.</param>
    /// <param name="logger">Where connections and malformed requests are logged.</param>
    public ModbusTcpServer(IPEndPoint listenOn, IReadOnlyDictionary<byte, IModbusDataBank> units, ILogger<ModbusTcpServer> logger)
    {
        ArgumentNullException.ThrowIfNull(listenOn);
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(logger);
        _listenOn = listenOn;
        _units = units;
        _logger = logger;
    }

    /// <summary>
    /// Answer requests for unknown unit ids with exception 0B (gateway target device failed to
    /// respond), as a TCP-to-RTU gateway does, instead of staying silent.
    /// </summary>
    public bool GatewayMode { get; init; }

    /// <summary>The bound address and port (the real port when port 0 was asked for).</summary>
    /// <exception cref="InvalidOperationException">The server is not started.</exception>
    public IPEndPoint LocalEndpoint => _listener?.LocalEndPoint as IPEndPoint
        ?? throw new InvalidOperationException("The Modbus server is not started: call StartAsync first.");

    /// <summary>Requests answered, exception responses included.</summary>
    public long RequestsServed => Interlocked.Read(ref _requestsServed);

    /// <summary>
    /// Binds, listens and starts accepting; returns once clients can connect. The token cancels
    /// only the start: the server runs until <see cref="DisposeAsync"/>.
    /// </summary>
    public Task StartAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_listener is not null)
        {
            throw new InvalidOperationException("The Modbus server is already started.");
        }

        var listener = new Socket(_listenOn.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(_listenOn);
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _handler = new ModbusRequestHandler(_units, GatewayMode);
        Log.ModbusServerListening(_logger, LocalEndpoint.ToString(), string.Join(", ", _units.Keys.Order()));
        _accepting = AcceptAsync(listener, _stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting, closes every connection and waits for their tasks to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync();
        if (_listener is { } listener)
        {
            var endpoint = LocalEndpoint.ToString();
            listener.Dispose();
            await _accepting;
            await Task.WhenAll(_connections.Values);
            Log.ModbusServerStopped(_logger, endpoint, RequestsServed);
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // A client that reset before being accepted; the listener itself is fine.
                Log.ModbusServerAcceptFailed(_logger, _listenOn.ToString(), e.Message);
                continue;
            }

            client.NoDelay = true;
            var id = Interlocked.Increment(ref _connectionIds);
            var serving = ServeAsync(id, client, stopping);
            _connections[id] = serving;
            if (serving.IsCompleted)
            {
                _connections.TryRemove(id, out _);
            }
        }
    }

    private async Task ServeAsync(long id, Socket socket, CancellationToken stopping)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "?";
        Log.ModbusServerClientConnected(_logger, remote);
        long served = 0;
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            var reader = new FrameReader(stream);
            var response = new byte[ModbusFrame.MaxAduLength];
            while (true)
            {
                var request = await reader.ReadFrameAsync(stopping);
                if (request.IsEmpty)
                {
                    break;
                }

                var length = _handler!.Handle(request.Span, response);
                if (length > 0)
                {
                    // Counted before the reply goes out: a client that has its answer must see it counted.
                    served++;
                    Interlocked.Increment(ref _requestsServed);
                    await stream.WriteAsync(response.AsMemory(0, length), stopping);
                }
            }
        }
        catch (ModbusProtocolException e)
        {
            Log.ModbusServerMalformedRequest(_logger, remote, e.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The client went away mid-frame or reset: nothing to answer.
        }
        catch (Exception e)
        {
            // Connection boundary: a faulty data bank closes this client's connection, never the server.
            Log.ModbusServerConnectionFailed(_logger, remote, e);
        }
        finally
        {
            Log.ModbusServerClientDisconnected(_logger, remote, served);
            _connections.TryRemove(id, out _);
        }
    }
}
