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

    /// <summary>
    /// The largest MQTT packet a client may send (1 MiB). HeatGrid's largest messages — an agent's telemetry
    /// for a few dozen GPUs, a day-ahead price document — are tens of kB; without a limit a client could make
    /// the broker allocate 256 MB per packet. A client that announces a larger packet is disconnected before
    /// its body is read.
    /// </summary>
    public const int MaxPacketBytes = 1024 * 1024;

    private readonly IPEndPoint _endpoint;
    private readonly ILogger<EmbeddedBroker> _logger;
    private readonly Dictionary<string, byte[]>? _users;
    private readonly IMqttClientAuthenticator? _authenticator;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, MqttClientIdentity> _identities = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Client, string Topic), long> _lastRefusalLogged = new();
    private readonly Energy.Telemetry.Health.Alarms? _alarms;
    private long _refused;
    private MqttServer? _server;
    private long _oversized;

    /// <param name="endpoint">Where to listen; port 0 lets the system pick one, read back from <see cref="Port"/>.</param>
    /// <param name="logger">For start, stop and refused clients.</param>
    /// <param name="users">User name → password; null lets anyone connect without credentials.</param>
    /// <param name="alarms">Where a client refused for an oversized packet is shown (<c>mqtt.oversized</c>); null for the log only.</param>
    /// <param name="authenticator">
    /// Who a client is (<see cref="IMqttClientAuthenticator"/>), and with it <see cref="MqttAcl"/> on every publish and
    /// subscription: HeatGrid's control topics only for their owners. Null: <paramref name="users"/> (or anyone) may do anything.
    /// </param>
    public EmbeddedBroker(IPEndPoint endpoint, ILogger<EmbeddedBroker> logger, IReadOnlyDictionary<string, string>? users = null,
        Energy.Telemetry.Health.Alarms? alarms = null, IMqttClientAuthenticator? authenticator = null)
    {
        if (users is not null && authenticator is not null)
        {
            throw new ArgumentException("Give the broker either a user list or an authenticator, not both.", nameof(authenticator));
        }

        _authenticator = authenticator;
        _alarms = alarms;
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

        // Our own listener on the one address asked for (MQTTnet's adds an IPv6 "any" listener and has no packet limit).
        var options = new MqttServerOptionsBuilder()
            .WithPersistentSessions(true)
            .WithMaxPendingMessagesPerClient(MaxPendingMessagesPerClient)
            .Build();
        options.DefaultEndpointOptions.IsEnabled = false;
        options.DefaultEndpointOptions.NoDelay = true;
        var listener = new BoundedTcpServerAdapter(_endpoint, MaxPacketBytes, Oversized);

        var server = new MqttServerFactory().CreateMqttServer(options, [listener]);
        if (_users is not null)
        {
            server.ValidatingConnectionAsync += ValidateAsync;
        }

        if (_authenticator is not null)
        {
            server.ValidatingConnectionAsync += AuthenticateAsync;
            server.InterceptingPublishAsync += AuthorizePublishAsync;
            server.InterceptingSubscriptionAsync += AuthorizeSubscriptionAsync;
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

        Port = listener.Port;
        Log.MqttBrokerListening(_logger, Endpoint, _authenticator is not null ? "HeatGrid's users, topic ACL enforced"
            : _users is null ? "anonymous clients allowed" : $"{_users.Count} users, password required");
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

    /// <summary>How many publishes and subscriptions <see cref="MqttAcl"/> refused.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>How many clients were disconnected for announcing a packet over <see cref="MaxPacketBytes"/>.</summary>
    public long OversizedPackets => Interlocked.Read(ref _oversized);

    private void Oversized(EndPoint? client, long declared)
    {
        var count = Interlocked.Increment(ref _oversized);
        var who = client?.ToString() ?? "?";
        Log.MqttBrokerOversizedPacket(_logger, who, declared, MaxPacketBytes, count);
        _alarms?.Raise("mqtt.oversized", $"the embedded MQTT broker disconnected {who}: it announced a packet of {declared:N0} bytes (limit {MaxPacketBytes:N0})");
    }

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

    private Task AuthenticateAsync(ValidatingConnectionEventArgs e)
    {
        if (_authenticator!.Authenticate(string.IsNullOrEmpty(e.UserName) ? null : e.UserName, e.RawPassword, out var refusal) is { } identity)
        {
            _identities[e.ClientId] = identity;
            return Task.CompletedTask;
        }

        _identities.TryRemove(e.ClientId, out _);
        e.ReasonCode = e.UserName is null ? MqttConnectReasonCode.NotAuthorized : MqttConnectReasonCode.BadUserNameOrPassword;
        Log.MqttBrokerRefusedConnect(_logger, e.ClientId, e.RemoteEndPoint?.ToString() ?? "?", refusal);
        _alarms?.Raise(RefusedAlarm, $"the embedded MQTT broker refused client {e.ClientId} from {e.RemoteEndPoint}: {refusal}");
        return Task.CompletedTask;
    }

    private Task AuthorizePublishAsync(InterceptingPublishEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        if (MqttAcl.RefusePublish(Identity(e.ClientId), topic) is { } why)
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MQTTnet.Protocol.MqttPubAckReasonCode.NotAuthorized;
            e.Response.ReasonString = why;
            Refuse(e.ClientId, "publish", topic, why);
        }

        return Task.CompletedTask;
    }

    private Task AuthorizeSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        if (MqttAcl.RefuseSubscribe(Identity(e.ClientId), filter) is { } why)
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MQTTnet.Protocol.MqttSubscribeReasonCode.NotAuthorized;
            e.ReasonString = why;
            Refuse(e.ClientId, "subscribe", filter, why);
        }

        return Task.CompletedTask;
    }

    /// <summary>The identity a client authenticated with; one the broker does not know (the broker's own messages) is anonymous.</summary>
    private MqttClientIdentity Identity(string? clientId) =>
        clientId is not null && _identities.TryGetValue(clientId, out var identity) ? identity : MqttClientIdentity.Anonymous;

    /// <summary>Counted always; logged once a minute per client and topic, so a client retrying in a loop does not flood the log.</summary>
    private void Refuse(string clientId, string what, string topic, string why)
    {
        var count = Interlocked.Increment(ref _refused);
        var now = Environment.TickCount64;
        var key = (clientId, topic);
        if (_lastRefusalLogged.TryGetValue(key, out var last) && now - last < 60_000)
        {
            return;
        }

        _lastRefusalLogged[key] = now;
        if (_lastRefusalLogged.Count > 10_000)
        {
            _lastRefusalLogged.Clear();
        }

        var who = Identity(clientId);
        Log.MqttBrokerRefusedTopic(_logger, what, topic, clientId, who.Name, who.Role.ToString().ToLowerInvariant(), why, count);
        _alarms?.Raise(RefusedAlarm, $"the embedded MQTT broker refused {what} on {topic} by {who.Name} (client {clientId}): {why}");
    }

    /// <summary>The alarm for a client or a message the broker refused.</summary>
    public const string RefusedAlarm = "mqtt.refused";
}
