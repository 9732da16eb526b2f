using System.Collections.Concurrent;
using Energy.Contracts.Agents.Protocol;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Telemetry.Health;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// The controller's side of the broker: announces its epoch (retained, signed for every node with a key),
/// sends batches (QoS 1, signed with the node's key for its topic), and feeds agents' heartbeats, last
/// wills, telemetry and acknowledgements into the <see cref="Fleet"/>. Demand-response evidence from agents
/// is kept in <see cref="DemandResponseLog"/>. A message on an agent's topic that is not signed with that
/// agent's key is refused before it is read, counted per node, logged (rate-limited) and alarmed as
/// <c>agents.forged</c>; refusals, foreign announcements and higher epochs go to the <see cref="ControllerEpochGuard"/>.
/// The agent's "offline" status is the broker's last will, fixed at connect and so not signed: it only
/// makes the controller stop commanding that agent until its next signed report (the safe direction).
/// </summary>
public sealed class MqttAgentTransport : IAgentTransport
{
    public const string ForgedAlarm = "agents.forged";
    public const string UnsignedAlarm = "agents.unsigned";

    private readonly MqttLink _link;
    private readonly AgentTopics _topics;
    private readonly Fleet _fleet;
    private readonly AgentKeyRing _keys;
    private readonly ControllerEpochGuard _guard;
    private readonly Alarms _alarms;
    private readonly ILogger _logger;
    private readonly RefusalCounter _refused;
    private readonly RefusalCounter _refusedByAgents;
    private readonly SortedSet<string> _forgedOn = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _backends = new(StringComparer.Ordinal);
    private long _badMessages;

    public MqttAgentTransport(MqttLink link, AgentTopics topics, Fleet fleet, DemandResponseLog evidence, AgentKeyRing keys, ControllerEpochGuard guard,
        Alarms alarms, TimeProvider time, ILogger<MqttAgentTransport> logger)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(alarms);
        _link = link;
        _topics = topics;
        _fleet = fleet;
        _keys = keys;
        _guard = guard;
        _alarms = alarms;
        _logger = logger;
        _refused = new RefusalCounter(time);
        _refusedByAgents = new RefusalCounter(time);
        if (!keys.Signs)
        {
            Log.ProtocolUnsigned(logger, "--insecure-unsigned");
            alarms.Hold(UnsignedAlarm, "the controller-agent protocol is not signed (--insecure-unsigned): anyone who can publish on the broker can command the GPUs");
        }

        link.Subscribe(topics.AllAgents("heartbeat"), 1, m =>
        {
            if (Read<AgentHeartbeat>(m, "heartbeat") is { } h && Matches(m, h.Node))
            {
                _backends[h.Node] = h.Backend;
                fleet.OnHeartbeat(h, m.ReceivedAt);
                ObserveEpoch(h.Node, h.Epoch);
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
            if (Read<AgentTelemetry>(m, "telemetry") is { } t && Matches(m, t.Node))
            {
                fleet.OnTelemetry(t, m.ReceivedAt);
                ObserveEpoch(t.Node, t.Epoch);
            }

            return ValueTask.CompletedTask;
        });
        link.Subscribe(topics.AllAgents("ack"), 1, m =>
        {
            if (Read<AssignmentAck>(m, "ack") is { } a && Matches(m, a.Node))
            {
                OnAck(a, m);
            }

            return ValueTask.CompletedTask;
        });
        link.Subscribe(topics.AllAgents("dr"), 1, m =>
        {
            if (Read<DemandResponseEvent>(m, "demand-response evidence") is { } e && Matches(m, e.Node))
            {
                evidence.Record(e);
            }

            return ValueTask.CompletedTask;
        });
        link.Subscribe(topics.Controller, 1, OnAnnouncementAsync);
    }

    public long BadMessages => Interlocked.Read(ref _badMessages);

    /// <summary>Messages refused on agents' topics because they were not signed with the agent's key.</summary>
    public long Forged => _refused.Total;

    /// <summary>Refused (forged or unsigned) messages on one node's topics.</summary>
    public long ForgedOn(string node) => _refused.Of(node);

    /// <summary>Retained, so that agents connecting later learn the epoch before any batch; signed for every node with a key.</summary>
    public async ValueTask<bool> AnnounceAsync(bool online, CancellationToken cancellationToken) => _guard.MayAnnounce &&
        await _link.PublishAsync(_topics.Controller, _keys.SignForEveryNode(_guard.Announcement(online), _topics.Controller), 1, retain: true, cancellationToken);

    public async ValueTask<bool> SendAsync(AssignmentBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var topic = _topics.Assign(batch.Node);
        if (_keys.Signs && _keys.KeysOf(batch.Node).Count == 0)
        {
            Refuse(batch.Node, "assignment", topic, $"no key for node {batch.Node} in {_keys.Origin}: it cannot be commanded");
            return false;
        }

        return await _link.PublishAsync(topic, _keys.Sign(batch, topic, batch.Node), 1, retain: false, cancellationToken);
    }

    public ValueTask RefreshAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public string Describe(Fleet fleet)
    {
        var kinds = _backends.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return kinds.Count == 0 ? "no agents yet" : string.Join("+", kinds);
    }

    private void OnAck(AssignmentAck ack, MqttInbound message)
    {
        if (ack.Refusal is { } refusal && refusal.StartsWith(AgentSignature.RefusalPrefix, StringComparison.Ordinal))
        {
            // The agent refused a batch that did not verify: not ours (ours are signed), someone else's attempt.
            RaiseForged(ack.Node);
            if (_refusedByAgents.Count(ack.Node, out _))
            {
                Log.AgentRefusedForgedBatch(_logger, ack.Node, ack.Epoch, ack.Seq, refusal);
            }

            return;
        }

        _fleet.OnAck(ack, message.ReceivedAt);
        _guard.OnRefusal(ack);
    }

    private void ObserveEpoch(string node, long epoch)
    {
        if (_guard.OnAgentEpoch(node, epoch))
        {
            _ = AnnounceAsync(online: true, CancellationToken.None).AsTask();
        }
    }

    private ValueTask OnAnnouncementAsync(MqttInbound message)
    {
        if (message.Payload.IsEmpty)
        {
            return ValueTask.CompletedTask;   // a cleared retained message
        }

        // Read without trusting it, to see what it claims; which of our keys signed it is what matters.
        var signedFor = _keys.Signs
            ? AgentSignature.SignedNodes(message.Payload.Span).Where(n => _keys.VerifyFor(message.Payload.Span, message.Topic, n).Valid).ToList()
            : [];
        if (!AgentJson.TryRead<ControllerAnnouncement>(message.Payload.Span, out var seen, out _))
        {
            seen = new ControllerAnnouncement(AgentJson.Version, long.MaxValue, DateTimeOffset.MinValue, true);   // unreadable: not ours, and to be replaced
        }

        if (_guard.OnAnnouncement(seen, signedFor, message.Topic))
        {
            _ = AnnounceAsync(online: true, CancellationToken.None).AsTask();
        }

        return ValueTask.CompletedTask;
    }

    private T? Read<T>(MqttInbound message, string kind)
        where T : class
    {
        if (message.Payload.IsEmpty)
        {
            return null;   // a cleared retained message
        }

        var node = _topics.NodeOf(message.Topic) ?? RefusalCounter.OtherNodes;
        var check = _keys.Verify(message.Payload.Span, message.Topic, node);
        if (!check.Valid)
        {
            Refuse(node, kind, message.Topic, check.Reason);
            return null;
        }

        if (AgentJson.TryRead<T>(check.Content, out var value, out var reason))
        {
            return value;
        }

        if (Interlocked.Increment(ref _badMessages) <= 20)
        {
            Log.ControllerBadMessage(_logger, message.Topic, reason);
        }

        return null;
    }

    private void Refuse(string node, string kind, string topic, string reason)
    {
        var known = _keys.KeysOf(node).Count > 0;
        RaiseForged(known ? node : "nodes without a key");
        if (_refused.Count(known ? node : RefusalCounter.OtherNodes, out var count))
        {
            Log.ControllerRefusedMessage(_logger, kind, topic, known ? node : $"{Printable(node)} (no key)", reason, count);
        }
    }

    /// <summary>
    /// One alarm for every forged message, naming the nodes concerned: its text changes only when a node is
    /// added (nodes with a key, and one entry for all others), so raising it for each message does not flood the log.
    /// </summary>
    private void RaiseForged(string node)
    {
        string nodes;
        lock (_forgedOn)
        {
            _forgedOn.Add(node);
            nodes = _forgedOn.Count <= 10 ? string.Join(", ", _forgedOn) : $"{string.Join(", ", _forgedOn.Take(10))} and {_forgedOn.Count - 10} more";
        }

        _alarms.Raise(ForgedAlarm, $"messages not signed with the agent's key were refused on the topics of {nodes} (forged, or a key not rotated on both sides)",
            AlarmSeverity.Critical);
    }

    private static string Printable(string node) => node.Length <= 64 && node.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? node : "(a made-up name)";

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
