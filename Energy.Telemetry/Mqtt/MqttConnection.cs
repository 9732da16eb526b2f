using System.Buffers;
using MQTTnet;
using MQTTnet.Protocol;

namespace Energy.Telemetry.Mqtt;

/// <summary>
/// One connection attempt and, if it succeeds, the live connection: a fresh MQTTnet client each time,
/// so that events of an earlier, failed or lost connection (MQTTnet raises DisconnectedAsync on a
/// background task, for failed attempts too) can never be taken for news about the current one.
/// </summary>
internal sealed class MqttConnection : IDisposable
{
    private readonly IMqttClient _client;
    private readonly TaskCompletionSource<string> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _subscriptionIdentifiers;

    public MqttConnection(Func<MqttApplicationMessageReceivedEventArgs, Task> onMessage)
    {
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += onMessage;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    /// <summary>Completes, with the reason, when an established connection ends.</summary>
    public Task<string> Lost => _lost.Task;

    public bool IsConnected => _client.IsConnected;

    /// <summary>
    /// Connects. A refusal is a result, not an exception (MQTTnet returns the CONNACK code); transport
    /// failures and timeouts throw.
    /// </summary>
    public async Task<MqttClientConnectResult> ConnectAsync(MqttClientOptions options, CancellationToken ct)
    {
        var result = await _client.ConnectAsync(options, ct);
        _subscriptionIdentifiers = result.SubscriptionIdentifiersAvailable;
        return result;
    }

    /// <summary>Subscribes one filter; returns null when granted, else what the broker said.</summary>
    public async Task<string?> SubscribeAsync(MqttSubscription subscription, CancellationToken ct)
    {
        var options = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(subscription.Filter, subscription.Qos, noLocal: false, retainAsPublished: false, MqttRetainHandling.SendAtSubscribe);
        if (_subscriptionIdentifiers)
        {
            options.WithSubscriptionIdentifier(subscription.Id);
        }

        var result = await _client.SubscribeAsync(options.Build(), ct);
        foreach (var item in result.Items)
        {
            if (item.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                return MqttFailureText.Words(item.ResultCode.ToString()) + (string.IsNullOrEmpty(result.ReasonString) ? "" : " (" + result.ReasonString + ")");
            }
        }

        return null;
    }

    /// <summary>
    /// Publishes without copying the payload. True when sent (QoS 0) or acknowledged (QoS 1/2); "no
    /// matching subscribers" is still delivered as far as the publisher is concerned.
    /// </summary>
    public async ValueTask<bool> PublishAsync(string topic, ReadOnlyMemory<byte> payload, MqttQualityOfServiceLevel qos, bool retain, CancellationToken ct)
    {
        var message = new MqttApplicationMessage
        {
            Topic = topic,
            Payload = new ReadOnlySequence<byte>(payload),
            QualityOfServiceLevel = qos,
            Retain = retain,
        };
        var result = await _client.PublishAsync(message, ct);
        return result.IsSuccess || result.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers;
    }

    /// <summary>A PINGREQ answered by a PINGRESP before <paramref name="ct"/> fires; false otherwise, never throws.</summary>
    public Task<bool> PingAsync(CancellationToken ct) => _client.TryPingAsync(ct);

    /// <summary>
    /// A clean DISCONNECT: the broker discards the will and keeps the session (its expiry comes from
    /// CONNECT, as the DISCONNECT carries none).
    /// </summary>
    public async Task CloseAsync(CancellationToken ct)
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions { Reason = MqttClientDisconnectOptionsReason.NormalDisconnection }, ct);
        }
    }

    /// <summary>Drops the connection without DISCONNECT (to the broker an unclean loss: it publishes the will).</summary>
    public void Dispose() => _client.Dispose();

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        // Failed attempts raise this event too; only the end of an established connection is a loss.
        if (e.ClientWasConnected)
        {
            _lost.TrySetResult(MqttFailureText.Lost(e));
        }

        return Task.CompletedTask;
    }
}
