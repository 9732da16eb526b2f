using Energy.Contracts.Agents;

namespace Energy.Scheduler.Agents;

/// <summary>
/// How the controller reaches node agents: in-process in <c>heatgrid run</c>, over MQTT between
/// <c>heatgrid controller</c> and <c>heatgrid agent</c>.
/// </summary>
public interface IAgentLink
{
    /// <summary>Where the GPUs run: "simulated" or the CUDA backend's description.</summary>
    string GpuBackend { get; }

    /// <summary>Sends assignments; returns how many the agents acknowledged as applied.</summary>
    ValueTask<int> SendAsync(IReadOnlyList<GpuAssignment> assignments, CancellationToken cancellationToken);

    /// <summary>The latest state of every GPU the agents report.</summary>
    ValueTask<IReadOnlyList<GpuState>> ReadAsync(CancellationToken cancellationToken);
}
