using System.Buffers;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Energy.Telemetry.Mqtt;

/// <summary>
/// The subscriptions of one link and the routing of each received message to the handlers whose
/// filters match it, one handler after the other, in arrival order. Subscriptions only grow, and are
/// kept in an array replaced on each change, so routing reads it without a lock.
/// </summary>
internal sealed class MqttRouter(ILogger logger)
{
    private readonly Lock _gate = new();
    private MqttSubscription[] _subscriptions = [];

    private MqttConnection? _live;

    /// <summary>The connection publishes and new subscriptions go to; null while there is none.</summary>
    public MqttConnection? Live => Volatile.Read(ref _live);

    /// <summary>
    /// Adds a subscription and returns the live connection read under the same lock that
    /// <see cref="SetLive"/> takes: a subscription is either in the snapshot the supervisor
    /// subscribes on connect, or sees the connection and subscribes itself, never neither.
    /// </summary>
    public MqttSubscription Add(string filter, MqttQualityOfServiceLevel qos, Func<MqttInbound, ValueTask> handler, out MqttConnection? live)
    {
        lock (_gate)
        {
            // A filter subscribed twice is one subscription at the broker (the second SUBSCRIBE replaces
            // the first): both handlers share its identifier, and the later one asks for the higher QoS.
            var subscriptions = _subscriptions;
            var id = checked((uint)subscriptions.Length + 1);
            for (var i = subscriptions.Length - 1; i >= 0; i--)
            {
                if (subscriptions[i].Filter == filter)
                {
                    id = subscriptions[i].Id;
                    qos = (MqttQualityOfServiceLevel)Math.Max((int)qos, (int)subscriptions[i].Qos);
                    break;
                }
            }

            var subscription = new MqttSubscription(id, filter, qos, handler, logger);
            Volatile.Write(ref _subscriptions, [.. subscriptions, subscription]);
            live = _live;
            return subscription;
        }
    }

    /// <summary>Sets (or clears) the live connection; returns the subscriptions a new one must subscribe.</summary>
    public MqttSubscription[] SetLive(MqttConnection? connection)
    {
        lock (_gate)
        {
            Volatile.Write(ref _live, connection);
            return _subscriptions;
        }
    }

    /// <summary>
    /// Hands a message to each matching handler. Where the broker sent subscription identifiers
    /// (MQTT 5 §3.3.4), only the subscriptions named in them get it: with overlapping filters such as
    /// "a/#" and "a/+", a broker may send one copy per subscription, and each handler should see the
    /// message once (mosquitto 2.0 sends a copy per subscription). The filter is matched in any case, so that an identifier left in the broker's
    /// session by an earlier run of the process never routes a message to a foreign handler.
    /// </summary>
    public async ValueTask DispatchAsync(MqttApplicationMessage message, DateTimeOffset receivedAt)
    {
        var subscriptions = Volatile.Read(ref _subscriptions);
        var topic = message.Topic;
        var ids = message.SubscriptionIdentifiers;
        var byId = ids is { Count: > 0 };
        MqttInbound? inbound = null;
        for (var i = 0; i < subscriptions.Length; i++)
        {
            var subscription = subscriptions[i];
            if ((byId && !ids!.Contains(subscription.Id)) || !MqttTopics.Matches(subscription.Filter, topic))
            {
                continue;
            }

            inbound ??= new MqttInbound(topic, PayloadOf(message), message.Retain, receivedAt);
            await subscription.InvokeAsync(inbound);
        }
    }

    private static ReadOnlyMemory<byte> PayloadOf(MqttApplicationMessage message)
    {
        var payload = message.Payload;
        return payload.IsSingleSegment ? payload.First : payload.ToArray();
    }
}
