using Energy.Contracts.Agents;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// The control loop's link to agents through the fleet: reads GPUs with their cap bounds, and sends
/// assignments through the <see cref="FleetSequencer"/>, which holds the site under the tick's limits.
/// </summary>
/// <remarks>With <c>--ha</c> a batch goes out only while <paramref name="leadership"/> says this controller leads with a current lease.</remarks>
public sealed class FleetAgentLink(Fleet fleet, FleetSequencer sequencer, IAgentTransport transport, TimeProvider time, Ha.ILeadership? leadership = null) : IAgentLink
{
    /// <summary>No batch holds longer than this, whatever the assignments ask: a lost controller's work must run out.</summary>
    public static readonly TimeSpan MaxValidity = TimeSpan.FromMinutes(5);

    public string GpuBackend => transport.Describe(fleet);

    public long Epoch => sequencer.Epoch;

    public bool Dispatching => leadership is null || leadership.MayDispatch();

    public async ValueTask<SequencedBatches> SendAsync(IReadOnlyList<GpuAssignment> wanted, CapLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(limits);
        if (!Dispatching)
        {
            var view = leadership!.View();
            return new SequencedBatches([], 0, 0)
            {
                Explanations = [$"standby: {(view.Leader is { } leader ? $"{leader} leads (epoch {view.Epoch})" : "no controller leads yet")}; this one sends nothing"],
            };
        }

        var now = time.GetUtcNow();
        var earliest = wanted.Count > 0 ? wanted.Min(a => a.ValidUntil) : now + TimeSpan.FromSeconds(10);
        var validUntil = earliest < now + MaxValidity ? earliest : now + MaxValidity;
        var result = sequencer.Sequence(wanted, limits, now, validUntil);
        foreach (var batch in result.Batches)
        {
            // Counted before it leaves: an increase must be in the bound before any agent can apply it.
            if (leadership is not null && !leadership.MayDispatch())
            {
                break;   // the lease ran out within the tick: not one more batch
            }

            fleet.Sent(batch);
            await transport.SendAsync(batch, cancellationToken);
        }

        return result;
    }

    public async ValueTask<IReadOnlyList<FleetGpu>> ReadAsync(CancellationToken cancellationToken)
    {
        await transport.RefreshAsync(cancellationToken);
        return fleet.Gpus(time.GetUtcNow());
    }
}
