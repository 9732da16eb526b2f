using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Channel;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace Energy.Telemetry.Mqtt;

/// <summary>
/// The embedded broker's TCP listener: MQTTnet's own, but every connection's bytes pass a
/// <see cref="MqttPacketSizeGuard"/>, so a client that announces a packet over the limit is disconnected
/// before its body is read (MQTTnet's server has no packet-size limit and would allocate what the client
/// declares, up to 256 MB a packet).
/// </summary>
internal sealed class BoundedTcpServerAdapter(IPEndPoint endpoint, int maxPacketBytes, Action<EndPoint?, long> oversized) : IMqttServerAdapter
{
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task? _accepting;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>The port bound (the system's choice when asked for port 0).</summary>
    public int Port { get; private set; }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                listener.DualMode = false;
            }

            listener.Bind(endpoint);
            listener.Listen(options.DefaultEndpointOptions.ConnectionBacklog);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _accepting = AcceptAsync(listener, options, logger, _stop.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        _listener?.Dispose();
        if (_accepting is { } accepting)
        {
            await accepting.ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener?.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync(Socket listener, MqttServerOptions options, IMqttNetLogger logger, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // a client that reset before it was accepted
            }

            _ = ServeAsync(client, options, logger);
        }
    }

    private async Task ServeAsync(Socket socket, MqttServerOptions options, IMqttNetLogger logger)
    {
        try
        {
            socket.NoDelay = options.DefaultEndpointOptions.NoDelay;
            var stream = new NetworkStream(socket, ownsSocket: true);
            var channel = new GuardedChannel(new MqttTcpChannel(stream, socket.RemoteEndPoint, socket.LocalEndPoint, null), new MqttPacketSizeGuard(maxPacketBytes),
                oversized);
            using var adapter = new MqttChannelAdapter(channel, new MqttPacketFormatterAdapter(new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax)),
                logger)
            {
                AllowPacketFragmentation = options.DefaultEndpointOptions.AllowPacketFragmentation,
            };
            if (ClientHandler is { } handle)
            {
                await handle(adapter).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // One client's broken connection ends that client only; MQTTnet has logged it.
        }
    }

    /// <summary>The TCP channel, with every byte read shown to the guard first.</summary>
    private sealed class GuardedChannel(MqttTcpChannel inner, MqttPacketSizeGuard guard, Action<EndPoint?, long> oversized) : IMqttChannel
    {
        public X509Certificate2? ClientCertificate => inner.ClientCertificate;

        public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

        public EndPoint LocalEndPoint => inner.LocalEndPoint;

        public bool IsSecureConnection => inner.IsSecureConnection;

        public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

        public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

        public async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            var read = await inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
            if (guard.Inspect(buffer.AsSpan(offset, read)) is { } declared)
            {
                oversized(inner.RemoteEndPoint, declared);
                await inner.DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
                throw new IOException(declared == long.MaxValue
                    ? "the client sent a malformed MQTT packet length"
                    : $"the client announced an MQTT packet of {declared:N0} bytes; this broker takes at most {guard.MaxPacketBytes:N0}");
            }

            return read;
        }

        public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, isEndOfPacket, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
