using Energy.Contracts.Agents.Protocol;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// How batches reach agents and how their answers reach the <see cref="Fleet"/>: MQTT between
/// processes, direct calls inside one. Inbound messages (acks, telemetry, heartbeats) are pushed into
/// the fleet by the transport itself.
/// </summary>
public interface IAgentTransport
{
    /// <summary>Sends one batch; false when it could not go out now (it still counts for the cap until it expires).</summary>
    ValueTask<bool> SendAsync(AssignmentBatch batch, CancellationToken cancellationToken);

    /// <summary>Brings the fleet's view up to date where the transport can (in-process: read every agent now).</summary>
    ValueTask RefreshAsync(CancellationToken cancellationToken);

    /// <summary>Where the GPUs run, for logs and the status page.</summary>
    string Describe(Fleet fleet);
}
