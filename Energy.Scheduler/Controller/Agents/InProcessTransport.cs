using Energy.Contracts.Agents.Protocol;
using Energy.Gpu.Agents;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// Controller and agents in one process (<c>heatgrid run</c>): a batch is applied by a direct call and
/// acknowledged on return; refreshing reads every agent's telemetry. Same logic as over MQTT, no broker.
/// </summary>
public sealed class InProcessTransport : IAgentTransport
{
    private readonly Fleet _fleet;
    private readonly Dictionary<string, AgentCore> _agents;
    private readonly TimeProvider _time;
    private readonly string _backend;

    public InProcessTransport(Fleet fleet, IEnumerable<AgentCore> agents, string backend, TimeSpan deadman, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(agents);
        _fleet = fleet;
        _agents = agents.ToDictionary(a => a.Node, StringComparer.Ordinal);
        _time = time;
        _backend = backend;
        var now = time.GetUtcNow();
        foreach (var agent in _agents.Values)
        {
            fleet.OnHeartbeat(agent.Heartbeat(true, backend, deadman), now);
            fleet.OnTelemetry(agent.Telemetry(), now);
        }
    }

    public IReadOnlyCollection<AgentCore> Agents => _agents.Values;

    public ValueTask<bool> SendAsync(AssignmentBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!_agents.TryGetValue(batch.Node, out var agent))
        {
            return ValueTask.FromResult(false);
        }

        _fleet.OnAck(agent.Apply(batch), _time.GetUtcNow());
        return ValueTask.FromResult(true);
    }

    public ValueTask RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var agent in _agents.Values)
        {
            _fleet.OnTelemetry(agent.Telemetry(), now);
        }

        return ValueTask.CompletedTask;
    }

    public string Describe(Fleet fleet) => _backend;
}
