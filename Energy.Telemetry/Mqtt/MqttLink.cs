using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace Energy.Telemetry.Mqtt;

/// <summary>
/// A supervised MQTT 5 connection (MQTTnet 5 has no managed client): connects, pings, reconnects with
/// capped exponential backoff, re-subscribes every subscription on every connect, and checks the
/// CONNACK code. The session is persistent, so QoS 1 messages published while the link is down wait
/// at the broker. Messages reach handlers one at a time in arrival order; a QoS 1 message is
/// acknowledged after its handlers ran.
/// </summary>
public sealed class MqttLink : IAsyncDisposable
{
    private readonly string _broker;
    private readonly TimeProvider _time;
    private readonly MqttRouter _router;
    private readonly MqttLinkStatus _status;
    private readonly MqttSupervisor _supervisor;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private Task _running = Task.CompletedTask;
    private long _received;
    private long _published;
    private int _started;
    private int _disposed;

    /// <exception cref="ArgumentException">Options MQTT cannot carry (keep-alive over 65535 s, a wildcard status topic…).</exception>
    public MqttLink(MqttBrokerOptions options, TimeProvider time, ILogger<MqttLink> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _broker = options.ToString();
        _time = time;
        _router = new MqttRouter(logger);
        _status = new MqttLinkStatus(options, time, logger);
        _supervisor = new MqttSupervisor(options, _router, _status, time, logger, OnMessageAsync);
    }

    public MqttLinkState State => _status.State;

    /// <summary>Why the link is not connected, e.g. "broker refused the connection: bad user name or password"; null while connected.</summary>
    public string? LastError => _status.LastError;

    /// <summary>Raised from the supervisor once per change of <see cref="State"/>; keep handlers short.</summary>
    public event Action<MqttLinkState>? StateChanged
    {
        add => _status.Changed += value;
        remove => _status.Changed -= value;
    }

    /// <summary>Messages received, whether or not a handler wanted them.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages sent (QoS 0) or acknowledged by the broker (QoS 1 and 2).</summary>
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

        _status.Starting();
        Volatile.Write(ref _running, Task.Run(() => _supervisor.RunAsync(_stopping.Token), CancellationToken.None));
        return _status.FirstAttempt.WaitAsync(ct);
    }

    /// <summary>True once connected (now or within <paramref name="timeout"/>), false when the time ran out.</summary>
    public async Task<bool> WaitConnectedAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await _status.Connected.WaitAsync(timeout, _time, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Remembers a subscription, subscribes it now if connected and again on every connect. Wildcards
    /// '+' and '#' are allowed; a message matching several filters reaches each of their handlers once.
    /// Handler exceptions are caught and logged; they never end the link.
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
            _ = _supervisor.SubscribeLateAsync(live, subscription);
        }
    }

    /// <summary>
    /// Publishes without copying the payload; false when not connected or the link broke under the
    /// message (the caller decides whether to keep, retry or drop it). Throws only for bad arguments
    /// and for <paramref name="ct"/>.
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

    /// <summary>Stops the supervisor; a connected link says "offline" and disconnects cleanly, keeping its session at the broker.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await Volatile.Read(ref _running);
        _stopping.Dispose();
        _status.Stop();
    }

    private static MqttQualityOfServiceLevel QosOf(int qos) => qos is >= 0 and <= 2
        ? (MqttQualityOfServiceLevel)qos
        : throw new ArgumentOutOfRangeException(nameof(qos), qos, "MQTT QoS is 0, 1 or 2");

    /// <summary>
    /// Hands a message to the router, one message at a time. MQTTnet already delivers one at a time
    /// per connection; the gate keeps it so across connections, since a connection dropped after a
    /// failed ping is not waited for, and its last handler may still run when the next one delivers.
    /// </summary>
    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        Interlocked.Increment(ref _received);
        var receivedAt = _time.GetUtcNow();
        if (!_oneAtATime.Wait(0))
        {
            return DispatchAfterOthersAsync(e.ApplicationMessage, receivedAt);
        }

        var dispatch = _router.DispatchAsync(e.ApplicationMessage, receivedAt);
        if (dispatch.IsCompletedSuccessfully)
        {
            _oneAtATime.Release();
            return Task.CompletedTask;
        }

        return ReleaseAfterAsync(dispatch);
    }

    private async Task DispatchAfterOthersAsync(MqttApplicationMessage message, DateTimeOffset receivedAt)
    {
        await _oneAtATime.WaitAsync();
        await ReleaseAfterAsync(_router.DispatchAsync(message, receivedAt));
    }

    private async Task ReleaseAfterAsync(ValueTask dispatch)
    {
        try
        {
            await dispatch;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }
}
