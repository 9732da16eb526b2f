using Energy.Contracts.Agents;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Agents;

/// <summary>
/// The control loop's link to agents through the fleet: reads GPUs with their cap bounds, and sends
/// assignments through the <see cref="FleetSequencer"/>, which holds increases until decreases are
/// acknowledged. The cap in force comes from <see cref="GridLimit"/> (contract cap or curtailment).
/// </summary>
public sealed class FleetAgentLink(Site site, Fleet fleet, FleetSequencer sequencer, IAgentTransport transport, GridLimit limit, TimeProvider time)
    : IAgentLink
{
    private SequencedBatches? _last;

    public string GpuBackend => transport.Describe(fleet);

    public long Epoch => sequencer.Epoch;

    /// <summary>The last tick's batches (for the status page), or null before the first.</summary>
    public SequencedBatches? Last => Volatile.Read(ref _last);

    public async ValueTask<int> SendAsync(IReadOnlyList<GpuAssignment> assignments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var now = time.GetUtcNow();
        var validUntil = assignments.Count > 0 ? assignments.Min(a => a.ValidUntil) : now + TimeSpan.FromSeconds(10);
        var result = sequencer.Sequence(assignments, limit.CapAt(now), now, validUntil);
        Volatile.Write(ref _last, result);
        var sent = 0;
        foreach (var batch in result.Batches)
        {
            // Counted before it leaves: an increase must be in the bound before any agent can apply it.
            fleet.Sent(batch);
            if (await transport.SendAsync(batch, cancellationToken))
            {
                sent += batch.Gpus.Count;
            }
        }

        return sent;
    }

    public async ValueTask<IReadOnlyList<GpuState>> ReadAsync(CancellationToken cancellationToken)
    {
        await transport.RefreshAsync(cancellationToken);
        return [.. fleet.Gpus(time.GetUtcNow()).Select(g => g.State)];
    }

    /// <summary>GPUs whose agent is offline or whose state is not known yet: the dispatcher plans around them.</summary>
    public IReadOnlySet<string> Unavailable(DateTimeOffset now) =>
        fleet.Gpus(now).Where(g => !g.Online || !g.Known).Select(g => g.State.GpuId).ToHashSet(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> NodesByGpu(DateTimeOffset now) =>
        fleet.Gpus(now).ToDictionary(g => g.State.GpuId, g => g.Node, StringComparer.Ordinal);

    /// <summary>The site with the cap in force now, for the cap guard.</summary>
    public Site SiteNow(DateTimeOffset now)
    {
        var cap = limit.CapAt(now);
        return cap == site.Grid.ImportCap ? site : site with { Grid = site.Grid with { ImportCap = cap } };
    }
}
