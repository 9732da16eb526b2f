using System.Collections.Concurrent;
using Energy.Contracts.Agents.Protocol;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// The controller's side of the broker: announces its epoch (retained), sends batches (QoS 1), and feeds
/// agents' heartbeats, last wills, telemetry and acknowledgements into the <see cref="Fleet"/>. Demand-
/// response evidence from agents is kept in <see cref="DemandResponseLog"/>.
/// </summary>
public sealed class MqttAgentTransport : IAgentTransport
{
    private readonly MqttLink _link;
    private readonly AgentTopics _topics;
    private readonly Fleet _fleet;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, string> _backends = new(StringComparer.Ordinal);
    private long _badMessages;

    public MqttAgentTransport(MqttLink link, AgentTopics topics, Fleet fleet, DemandResponseLog evidence, ILogger<MqttAgentTransport> logger)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(evidence);
        _link = link;
        _topics = topics;
        _fleet = fleet;
        _logger = logger;
        link.Subscribe(topics.AllAgents("heartbeat"), 1, m =>
        {
            if (Read<AgentHeartbeat>(m) is { } h && Matches(m, h.Node))
            {
                _backends[h.Node] = h.Backend;
                fleet.OnHeartbeat(h, m.ReceivedAt);
            }

            return ValueTask.CompletedTask;
        });
        link.Subscribe(topics.AllAgents("status"), 1, m =>
        {
            if (topics.NodeOf(m.Topic) is { } node && m.Payload.Span.SequenceEqual("offline"u8))
            {
                fleet.OnOffline(node, m.ReceivedAt);
            }

            return ValueTask.CompletedTask;
        });
        link.Subscribe(topics.AllAgents("telemetry"), 0, m =>
        {
            if (Read<AgentTelemetry>(m) is { } t && Matches(m, t.Node))
            {
                fleet.OnTelemetry(t, m.ReceivedAt);
            }

            return ValueTask.CompletedTask;
        });
        link.Subscribe(topics.AllAgents("ack"), 1, m =>
        {
            if (Read<AssignmentAck>(m) is { } a && Matches(m, a.Node))
            {
                fleet.OnAck(a, m.ReceivedAt);
            }

            return ValueTask.CompletedTask;
        });
        link.Subscribe(topics.AllAgents("dr"), 1, m =>
        {
            if (Read<DemandResponseEvent>(m) is { } e && Matches(m, e.Node))
            {
                evidence.Record(e);
            }

            return ValueTask.CompletedTask;
        });
    }

    public long BadMessages => Interlocked.Read(ref _badMessages);

    /// <summary>Retained, so that agents connecting later learn the epoch before any batch.</summary>
    public async ValueTask<bool> AnnounceAsync(ControllerAnnouncement announcement, CancellationToken cancellationToken) =>
        await _link.PublishAsync(_topics.Controller, AgentJson.Serialize(announcement), 1, retain: true, cancellationToken);

    public async ValueTask<bool> SendAsync(AssignmentBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return await _link.PublishAsync(_topics.Assign(batch.Node), AgentJson.Serialize(batch), 1, retain: false, cancellationToken);
    }

    public ValueTask RefreshAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public string Describe(Fleet fleet)
    {
        var kinds = _backends.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return kinds.Count == 0 ? "no agents yet" : string.Join("+", kinds);
    }

    private T? Read<T>(MqttInbound message)
        where T : class
    {
        if (message.Payload.IsEmpty)
        {
            return null;   // a cleared retained message
        }

        if (AgentJson.TryRead<T>(message.Payload.Span, out var value, out var reason))
        {
            return value;
        }

        if (Interlocked.Increment(ref _badMessages) <= 20)
        {
            Log.ControllerBadMessage(_logger, message.Topic, reason);
        }

        return null;
    }

    /// <summary>A message must name the agent whose topic it came on: one agent cannot speak for another.</summary>
    private bool Matches(MqttInbound message, string node)
    {
        if (string.Equals(_topics.NodeOf(message.Topic), node, StringComparison.Ordinal))
        {
            return true;
        }

        if (Interlocked.Increment(ref _badMessages) <= 20)
        {
            Log.ControllerBadMessage(_logger, message.Topic, $"names node '{node}', not the topic's");
        }

        return false;
    }
}
