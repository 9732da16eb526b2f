using Energy.Contracts.Agents;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// How the controller reaches node agents: in-process in <c>heatgrid run</c>, over MQTT between
/// <c>heatgrid controller</c> and <c>heatgrid agent</c>. Everything the control loop needs of them.
/// </summary>
public interface IAgentLink
{
    /// <summary>Where the GPUs run: "simulated" or the CUDA backend's description.</summary>
    string GpuBackend { get; }

    /// <summary>This controller's epoch: agents refuse batches of older ones.</summary>
    long Epoch { get; }

    /// <summary>Whether this controller dispatches now: false for a standby (<c>--ha</c>), which plans in the shadow and sends nothing.</summary>
    bool Dispatching => true;

    /// <summary>Every GPU of every agent as the controller knows it now: state, bound, agent, whether it can be commanded.</summary>
    ValueTask<IReadOnlyList<FleetGpu>> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Sends what the controller wants of each GPU, held to <paramref name="limits"/> by the fleet sequencer
    /// (shed to fit, decreases first, increases only within the cap and the ramp allowance).
    /// </summary>
    ValueTask<SequencedBatches> SendAsync(IReadOnlyList<GpuAssignment> wanted, CapLimits limits, CancellationToken cancellationToken);
}
