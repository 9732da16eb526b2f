using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Energy.Telemetry.Mqtt;

/// <summary>
/// MQTTnet's broker, embedded: <c>heatgrid run</c> starts it on 127.0.0.1:1883 unless an external
/// broker is configured. It keeps persistent sessions in memory (a restart of the process loses them;
/// a site that needs them across restarts runs mosquitto with persistence).
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    /// <summary>
    /// QoS 1 messages kept per absent client. MQTTnet's default of 1000 drops the oldest after
    /// 1000 messages, which a 20k msg/s stream fills in 50 ms of a subscriber's reconnect.
    /// </summary>
    private const int MaxPendingMessagesPerClient = 100_000;

    private readonly IPEndPoint _endpoint;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly Dictionary<string, byte[]>? _users;
    private MqttServer? _server;

    /// <param name="endpoint">Where to listen; port 0 lets the system pick one, read back from <see cref="Port"/>.</param>
    /// <param name="logger">For start, stop and refused clients.</param>
    /// <param name="users">User name → password; null lets anyone connect without credentials.</param>
    public EmbeddedBroker(IPEndPoint endpoint, ILogger<EmbeddedBroker> logger, IReadOnlyDictionary<string, string>? users = null)
    {
        _endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _users = users?.ToDictionary(u => u.Key, u => Encoding.UTF8.GetBytes(u.Value), StringComparer.Ordinal);
        Port = endpoint.Port;
    }

    /// <summary>The port it listens on: after starting on port 0, the one the system picked.</summary>
    public int Port { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (_server is not null)
        {
            throw new InvalidOperationException("The embedded MQTT broker is already started.");
        }

        // Listen on the one address asked for: MQTTnet otherwise adds an IPv6 "any" listener too.
        var v4 = _endpoint.AddressFamily == AddressFamily.InterNetwork;
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(_endpoint.Port)
            .WithDefaultEndpointBoundIPAddress(v4 ? _endpoint.Address : IPAddress.None)
            .WithDefaultEndpointBoundIPV6Address(v4 ? IPAddress.None : _endpoint.Address)
            .WithPersistentSessions(true)
            .WithMaxPendingMessagesPerClient(MaxPendingMessagesPerClient)
            .Build();
        options.DefaultEndpointOptions.NoDelay = true;

        var server = new MqttServerFactory().CreateMqttServer(options);
        if (_users is not null)
        {
            server.ValidatingConnectionAsync += ValidateAsync;
        }

        try
        {
            await server.StartAsync();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        _server = server;

        // MQTTnet's listener writes the port it bound back into the endpoint options (port 0 included).
        Port = options.DefaultEndpointOptions.Port;
        Log.MqttBrokerListening(_logger, Endpoint, _users is null ? "anonymous clients allowed" : $"{_users.Count} users, password required");
    }

    /// <summary>Disconnects the clients with a DISCONNECT from the server and stops listening.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is not { } server)
        {
            return;
        }

        try
        {
            await server.StopAsync(new MqttServerStopOptionsBuilder().Build());
        }
        finally
        {
            server.Dispose();
        }

        Log.MqttBrokerStopped(_logger, Endpoint);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private string Endpoint => new IPEndPoint(_endpoint.Address, Port).ToString();

    private Task ValidateAsync(ValidatingConnectionEventArgs e)
    {
        // Fixed-time comparison: a broker on a site network should not leak password prefixes through timing.
        var known = e.UserName is not null && _users!.TryGetValue(e.UserName, out var password)
            && CryptographicOperations.FixedTimeEquals(password, e.RawPassword ?? []);
        if (!known)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            Log.MqttBrokerRefusedClient(_logger, e.ClientId, e.RemoteEndPoint?.ToString() ?? "?");
        }

        return Task.CompletedTask;
    }
}
