using Energy.Contracts.Agents;
using Energy.Gpu.Agents;

namespace Energy.Scheduler.Agents;

/// <summary>Controller and agent in one process: calls go straight to the agent, acknowledged on return.</summary>
public sealed class InProcessAgentLink(NodeAgent agent, string gpuBackend) : IAgentLink
{
    public string GpuBackend => gpuBackend;

    public ValueTask<int> SendAsync(IReadOnlyList<GpuAssignment> assignments, CancellationToken cancellationToken) =>
        ValueTask.FromResult(agent.Apply(assignments));

    public ValueTask<IReadOnlyList<GpuState>> ReadAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(agent.ReadAll());
}
