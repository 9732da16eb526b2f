using System.Collections.Concurrent;
using System.Globalization;
using Energy.Contracts.Agents.Protocol;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.IntegrationTests.Agents;

/// <summary>
/// Watches the site as an auditor on the broker would: believes only what is signed with the agents' real
/// keys, adds up the latest commanded power each agent reports (acks and telemetry) and checks it against
/// the cap, and keeps the epoch and sequence each agent follows and the epoch the real controller announces.
/// </summary>
internal sealed class AgentReportMonitor(int port, AgentsRig rig) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, double> _commandedW = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AgentTelemetry> _telemetry = new(StringComparer.Ordinal);
    private readonly MqttLink _link = new(new MqttBrokerOptions
    {
        Host = "127.0.0.1",
        Port = port,
        ClientId = "heatgrid-test-monitor",
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromSeconds(1),
    }, TimeProvider.System, NullLogger<MqttLink>.Instance);

    private readonly AgentTopics _topics = new(AgentsRig.SiteName);
    private long _samples;
    private long _unverified;
    private long _controllerEpoch;

    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>Every acknowledgement signed with a real key, in the order the broker delivered them: which batch, refused or not, when.</summary>
    public ConcurrentQueue<SeenAck> Acks { get; } = new();

    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Reports on agents' topics that no real key signed (the monitor ignored them).</summary>
    public long Unverified => Interlocked.Read(ref _unverified);

    /// <summary>The epoch of the latest announcement signed with a real key.</summary>
    public long ControllerEpoch => Interlocked.Read(ref _controllerEpoch);

    public bool BrokerDown { get; set; }

    public double MaxKw { get; private set; }

    public double SiteKw => AgentsRig.BaseKw + (_commandedW.Values.Sum() * (1 + AgentsRig.Overhead) / 1000);

    public AgentTelemetry? TelemetryOf(string node) => _telemetry.GetValueOrDefault(node);

    public async Task StartAsync()
    {
        _link.Subscribe(_topics.AllAgents("ack"), 1, m =>
        {
            var a = Verified<AssignmentAck>(m);
            if (a is not null)
            {
                Acks.Enqueue(new SeenAck(a.Node, a.Epoch, a.Seq, a.Refusal, m.ReceivedAt));
            }

            return Take(m, a is null ? null : (a.Node, a.CommandedW));
        });
        _link.Subscribe(_topics.AllAgents("telemetry"), 0, m =>
        {
            var t = Verified<AgentTelemetry>(m);
            if (t is not null)
            {
                _telemetry[t.Node] = t;
            }

            return Take(m, t is null ? null : (t.Node, t.CommandedW));
        });
        _link.Subscribe(_topics.Controller, 1, m =>
        {
            foreach (var node in AgentSignature.SignedNodes(m.Payload.Span))
            {
                var check = AgentSignature.VerifyFor(m.Payload.Span, m.Topic, node, rig.KeysOf(node));
                if (check.Valid && AgentJson.TryRead<ControllerAnnouncement>(check.Content, out var a, out _) && a.Online)
                {
                    Interlocked.Exchange(ref _controllerEpoch, a.Epoch);
                    break;
                }
            }

            return ValueTask.CompletedTask;
        });
        await _link.StartAsync(CancellationToken.None);
        Assert.True(await _link.WaitConnectedAsync(TimeSpan.FromSeconds(10), CancellationToken.None), "monitor could not connect");
    }

    public ValueTask DisposeAsync() => _link.DisposeAsync();

    private T? Verified<T>(MqttInbound m)
        where T : class
    {
        var node = _topics.NodeOf(m.Topic);
        var check = node is null ? default : AgentSignature.Verify(m.Payload.Span, m.Topic, rig.KeysOf(node));
        if (check.Valid && AgentJson.TryRead<T>(check.Content, out var message, out _))
        {
            return message;
        }

        Interlocked.Increment(ref _unverified);
        return null;
    }

    private ValueTask Take(MqttInbound message, (string Node, double W)? report)
    {
        if (report is { } r)
        {
            _commandedW[r.Node] = r.W;
            Interlocked.Increment(ref _samples);
            var kw = SiteKw;
            MaxKw = Math.Max(MaxKw, kw);
            if (kw > AgentsRig.CapKw + 1e-6)
            {
                Violations.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{kw:F3} kW after {message.Topic} at {message.ReceivedAt:HH:mm:ss.fff}"));
            }
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>An acknowledgement as the monitor saw it: <see cref="Refusal"/> null when the agent applied the batch.</summary>
internal sealed record SeenAck(string Node, long Epoch, long Seq, string? Refusal, DateTimeOffset At);
