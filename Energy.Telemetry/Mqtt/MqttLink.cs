using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace Energy.Telemetry.Mqtt;

/// <summary>
/// A supervised MQTT 5 connection (MQTTnet 5 has no managed client): connects, pings, reconnects with
/// capped exponential backoff, re-subscribes every subscription on every connect, and checks the
/// CONNACK code, since MQTTnet returns a refusal rather than throwing it. The session is persistent,
/// so QoS 1 messages published while the link is down wait at the broker. Messages reach handlers
/// one at a time in arrival order; a QoS 1 message is acknowledged after its handlers ran.
/// </summary>
public sealed class MqttLink : IAsyncDisposable
{
    private readonly MqttBrokerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MqttLink> _logger;
    private readonly MqttClientOptions _connect;
    private readonly MqttRouter _router;
    private readonly MqttBackoff _backoff;
    private readonly string _broker;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _supervisor;
    private int _started;
    private volatile MqttLinkState _state = MqttLinkState.Disconnected;
    private volatile string? _lastError;
    private long _received;
    private long _published;
    private bool _everConnected;
    private long _downSince;
    private int _disposed;

    public MqttLink(MqttBrokerOptions options, TimeProvider time, ILogger<MqttLink> logger)
    {
        _connect = MqttConnectOptions.Build(options);
        _options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _router = new MqttRouter(logger);
        _backoff = new MqttBackoff(options.InitialBackoff, options.MaxBackoff);
        _broker = options.ToString();
    }

    public MqttLinkState State => _state;

    /// <summary>Why the link is not connected, e.g. "broker refused the connection: bad user name or password"; null while connected.</summary>
    public string? LastError => _lastError;

    /// <summary>Raised from the supervisor once per change of <see cref="State"/>; keep handlers short.</summary>
    public event Action<MqttLinkState>? StateChanged;

    public long Received => Interlocked.Read(ref _received);

    public long Published => Interlocked.Read(ref _published);

    /// <summary>
    /// Starts the supervisor and returns once its first attempt finished, connected or not: a dead
    /// broker is a state, not an exception. <paramref name="ct"/> only abandons the wait; the link
    /// runs until disposed.
    /// </summary>
    public Task StartAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"The MQTT link to {_broker} is already started.");
        }

        SetState(MqttLinkState.Connecting, null);
        _supervisor = Task.Run(() => SuperviseAsync(_stopping.Token), CancellationToken.None);
        return _firstAttempt.Task.WaitAsync(ct);
    }

    /// <summary>True once connected (now or within <paramref name="timeout"/>), false when the time ran out.</summary>
    public async Task<bool> WaitConnectedAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await Volatile.Read(ref _connected).Task.WaitAsync(timeout, _time, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Remembers a subscription, subscribes it now if connected and again on every connect. Wildcards
    /// '+' and '#' are allowed. A message matching several filters reaches each of their handlers.
    /// </summary>
    public void Subscribe(string topicFilter, int qos, Func<MqttInbound, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(topicFilter);
        ArgumentNullException.ThrowIfNull(handler);
        if (!MqttTopics.IsValidFilter(topicFilter))
        {
            throw new ArgumentException($"'{topicFilter}' is not an MQTT topic filter: '+' and '#' stand for whole levels, '#' only last", nameof(topicFilter));
        }

        var subscription = _router.Add(topicFilter, QosOf(qos), handler, out var live);
        if (live is not null)
        {
            _ = SubscribeLateAsync(live, subscription);
        }
    }

    /// <summary>
    /// Publishes; false when not connected or the link broke under the message (the caller decides
    /// whether to keep, retry or drop it). Throws only for bad arguments and <paramref name="ct"/>.
    /// </summary>
    public async ValueTask<bool> PublishAsync(string topic, ReadOnlyMemory<byte> payload, int qos, bool retain, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!MqttTopics.IsValidTopic(topic))
        {
            throw new ArgumentException($"'{topic}' is not an MQTT topic to publish to: empty or with a wildcard", nameof(topic));
        }

        var level = QosOf(qos);
        if (_router.Live is not { } live)
        {
            return false;
        }

        try
        {
            if (!await live.PublishAsync(topic, payload, level, retain, ct))
            {
                return false;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;   // MQTTnet cancels pending requests itself when the connection drops
        }
        catch (Exception e) when (e is MqttCommunicationException or ObjectDisposedException)
        {
            return false;
        }

        Interlocked.Increment(ref _published);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_supervisor is { } supervisor)
        {
            await supervisor;
        }

        _stopping.Dispose();
        _firstAttempt.TrySetResult();
        SetState(MqttLinkState.Disconnected, _lastError);
    }

    private static MqttQualityOfServiceLevel QosOf(int qos) => qos is >= 0 and <= 2
        ? (MqttQualityOfServiceLevel)qos
        : throw new ArgumentOutOfRangeException(nameof(qos), qos, "MQTT QoS is 0, 1 or 2");

    private static long Milliseconds(TimeSpan span) => (long)Math.Ceiling(span.TotalMilliseconds);

    private async Task SuperviseAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await RunRoundAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Loop boundary: an unforeseen failure in one round must not end supervision for good.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.MqttSupervisorFailed(_logger, _broker, e);
                var wait = _backoff.Fail(refused: false);
                ReportFailure(MqttFailureText.Of(e), refused: false, wait);
                try
                {
                    await Task.Delay(wait, _time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One round: connect; then stay until the connection is lost, or wait out the backoff.</summary>
    private async Task RunRoundAsync(CancellationToken stop)
    {
        using var connection = new MqttConnection(OnMessageAsync);
        try
        {
            var (error, refused) = await ConnectAsync(connection, stop);
            if (error is not null)
            {
                var wait = _backoff.Fail(refused);
                ReportFailure(error, refused, wait);
                await Task.Delay(wait, _time, stop);
                return;
            }

            var lost = await StayConnectedAsync(connection, stop);
            _router.SetLive(null);
            if (lost is null)
            {
                return;
            }

            Log.MqttConnectionLost(_logger, _broker, lost);
            _downSince = _time.GetTimestamp();
            SetState(MqttLinkState.Disconnected, lost);
        }
        finally
        {
            _router.SetLive(null);
        }
    }

    private async Task<(string? Error, bool Refused)> ConnectAsync(MqttConnection connection, CancellationToken stop)
    {
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            var result = await connection.ConnectAsync(_connect, linked.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                return (MqttFailureText.Rejected(result), MqttFailureText.IsRefusal(result.ResultCode));
            }

            foreach (var subscription in _router.SetLive(connection))
            {
                await SubscribeAsync(connection, subscription, linked.Token);
            }

            if (_options.StatusTopic is { } topic && !await connection.PublishAsync(topic, MqttConnectOptions.Online, MqttQualityOfServiceLevel.AtLeastOnce, retain: true, linked.Token))
            {
                return ($"broker did not take our \"online\" status on {topic}", false);
            }

            ReportConnected(result.IsSessionPresent);
            return (null, false);
        }
        catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or MqttCommunicationException)
        {
            throw new OperationCanceledException("The MQTT link was stopped while connecting.", e, stop);
        }
        catch (Exception e) when (timeout.IsCancellationRequested && e is OperationCanceledException or MqttCommunicationException)
        {
            return ($"no answer from {_options.Host}:{_options.Port} within {Milliseconds(_options.ConnectTimeout)} ms", false);
        }
        catch (Exception e) when (e is MqttCommunicationException or SocketException or IOException or AuthenticationException)
        {
            return ($"cannot connect to {_options.Host}:{_options.Port}: {MqttFailureText.Of(e)}", false);
        }
    }

    /// <summary>
    /// Waits for the loss of the connection, pinging every keep-alive period. MQTTnet pings only when
    /// it has sent nothing for that long; a link that only publishes would notice a half-open
    /// connection (broker gone without a RST) only when TCP gives up, after many minutes.
    /// Returns why the connection was lost, or null after a clean stop.
    /// </summary>
    private async Task<string?> StayConnectedAsync(MqttConnection connection, CancellationToken stop)
    {
        while (true)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var delay = Task.Delay(_options.KeepAlive, _time, tick.Token);
            if (await Task.WhenAny(connection.Lost, delay) == connection.Lost)
            {
                await tick.CancelAsync();
                return await connection.Lost;
            }

            if (stop.IsCancellationRequested)
            {
                await CloseAsync(connection);
                return null;
            }

            using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
            if (!await connection.PingAsync(timeout.Token))
            {
                return connection.Lost.IsCompleted ? await connection.Lost : $"no answer to a ping within {Milliseconds(_options.ConnectTimeout)} ms";
            }
        }
    }

    /// <summary>A clean stop: "offline" first (a clean DISCONNECT discards the will), then DISCONNECT.</summary>
    private async Task CloseAsync(MqttConnection connection)
    {
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        try
        {
            if (_options.StatusTopic is { } topic)
            {
                await connection.PublishAsync(topic, MqttConnectOptions.Offline, MqttQualityOfServiceLevel.AtLeastOnce, retain: true, timeout.Token);
            }

            await connection.CloseAsync(timeout.Token);
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
        {
            // The broker went away as we were leaving: the will says "offline" for us.
        }

        Log.MqttStopped(_logger, _broker);
    }

    private async Task SubscribeAsync(MqttConnection connection, MqttSubscription subscription, CancellationToken ct)
    {
        if (await connection.SubscribeAsync(subscription, ct) is { } refusal)
        {
            Log.MqttSubscriptionRejected(_logger, _broker, subscription.Filter, refusal);
        }
    }

    /// <summary>A subscription added while connected; if the connection fails under it, the next connect subscribes it.</summary>
    private async Task SubscribeLateAsync(MqttConnection connection, MqttSubscription subscription)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
            await SubscribeAsync(connection, subscription, timeout.Token);
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
        {
            // Lost with the connection; the supervisor's next connect subscribes every remembered filter.
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        Interlocked.Increment(ref _received);
        var dispatch = _router.DispatchAsync(e.ApplicationMessage, _time.GetUtcNow());
        return dispatch.IsCompletedSuccessfully ? Task.CompletedTask : dispatch.AsTask();
    }

    private void ReportConnected(bool sessionPresent)
    {
        if (!_everConnected)
        {
            Log.MqttConnected(_logger, _broker, _options.ClientId, sessionPresent);
        }
        else
        {
            Log.MqttReconnected(_logger, _broker, Milliseconds(_time.GetElapsedTime(_downSince)), sessionPresent);
            if (!sessionPresent && _options.SessionExpiry > TimeSpan.Zero)
            {
                Log.MqttSessionLost(_logger, _broker, _options.ClientId);
            }
        }

        _everConnected = true;
        _backoff.Reset();
        SetState(MqttLinkState.Connected, null);
        _firstAttempt.TrySetResult();
    }

    /// <summary>Logs a failed attempt once per change of state or reason; repeats go to Debug.</summary>
    private void ReportFailure(string error, bool refused, TimeSpan delay)
    {
        var next = refused ? MqttLinkState.Refused : MqttLinkState.Disconnected;
        var ms = Milliseconds(delay);
        if (next == _state && (next == MqttLinkState.Disconnected || error == _lastError))
        {
            Log.MqttReconnectFailed(_logger, _broker, error, ms);
        }
        else if (refused)
        {
            Log.MqttRefused(_logger, _broker, _options.ClientId, error, ms);
        }
        else
        {
            Log.MqttConnectFailed(_logger, _broker, error, ms);
        }

        if (_state is MqttLinkState.Connecting or MqttLinkState.Connected)
        {
            _downSince = _time.GetTimestamp();
        }

        SetState(next, error);
        _firstAttempt.TrySetResult();
    }

    private void SetState(MqttLinkState state, string? error)
    {
        _lastError = error;
        if (_state == state)
        {
            return;
        }

        _state = state;
        if (state == MqttLinkState.Connected)
        {
            Volatile.Read(ref _connected).TrySetResult();
        }
        else if (Volatile.Read(ref _connected).Task.IsCompleted)
        {
            Volatile.Write(ref _connected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        if (StateChanged is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((Action<MqttLinkState>)handler)(state);
            }
#pragma warning disable CA1031 // Subscriber boundary: a failing observer must not stop the supervisor.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.MqttStateSubscriberFailed(_logger, _broker, e);
            }
        }
    }
}
