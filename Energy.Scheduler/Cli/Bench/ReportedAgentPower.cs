using Energy.Contracts.Agents.Protocol;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// What agents in other processes command, as they report it on the broker: the latest
/// <c>CommandedW</c> of each agent's acknowledgements (<c>agents/+/ack</c>) and telemetry
/// (<c>agents/+/telemetry</c>, every second), by the agent's own time stamp so that a late QoS 0
/// telemetry cannot overwrite a newer ack. Each report is one sample of the site against the cap.
/// </summary>
internal sealed class ReportedAgentPower : IAsyncDisposable
{
    private readonly Dictionary<string, (DateTimeOffset At, double W)> _latest = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CapMonitor _cap;
    private readonly MqttLink _link;
    private double _totalW;

    public ReportedAgentPower(MqttBrokerOptions broker, AgentTopics topics, string runId, CapMonitor cap, TimeProvider time)
    {
        _cap = cap;
        _link = new MqttLink(broker with { ClientId = $"heatgrid-bench-{runId}-monitor", SessionExpiry = TimeSpan.FromSeconds(30) },
            time, NullLogger<MqttLink>.Instance);
        _link.Subscribe(topics.AllAgents("ack"), 1,
            m => Take(AgentJson.TryRead<AssignmentAck>(m.Payload.Span, out var a, out _) ? (a.Node, a.At, a.CommandedW) : null));
        _link.Subscribe(topics.AllAgents("telemetry"), 0,
            m => Take(AgentJson.TryRead<AgentTelemetry>(m.Payload.Span, out var t, out _) ? (t.Node, t.At, t.CommandedW) : null));
    }

    public async Task StartAsync(CancellationToken ct)
    {
        await _link.StartAsync(ct);
        if (!await _link.WaitConnectedAsync(TimeSpan.FromSeconds(10), ct))
        {
            throw new InvalidOperationException($"the cap monitor could not connect: {_link.LastError}");
        }
    }

    /// <summary>The sum of the latest reports made at or after <paramref name="since"/> (agents' clocks).</summary>
    public double CommandedW(DateTimeOffset since)
    {
        lock (_gate)
        {
            return _latest.Values.Where(r => r.At >= since).Sum(r => r.W);
        }
    }

    public ValueTask DisposeAsync() => _link.DisposeAsync();

    private ValueTask Take((string Node, DateTimeOffset At, double W)? report)
    {
        if (report is not { } r)
        {
            return ValueTask.CompletedTask;
        }

        lock (_gate)
        {
            if (_latest.TryGetValue(r.Node, out var previous))
            {
                if (r.At < previous.At)
                {
                    return ValueTask.CompletedTask;
                }

                _totalW -= previous.W;
            }

            _latest[r.Node] = (r.At, r.W);
            _totalW += r.W;
            _cap.Observe(_totalW);
        }

        return ValueTask.CompletedTask;
    }
}
