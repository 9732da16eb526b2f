using Energy.Contracts.Agents;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Agents;

/// <summary>
/// Turns per-GPU assignments into one batch per reachable agent so that the grid cap holds at every
/// instant, whatever order batches and acknowledgements arrive in, or whether they arrive at all:
/// a decrease goes out at once but frees room only once the agent has acknowledged it; an increase
/// goes out only while the site — every GPU at its bound (see <see cref="Fleet"/>) — stays under the
/// cap with it, and counts from the moment it is sent. A held GPU is sent what it had, so its
/// dead-man does not fire meanwhile. Each batch carries the agent's cap share: the sum it may command.
/// </summary>
public sealed class FleetSequencer
{
    private readonly Site _site;
    private readonly Fleet _fleet;
    private readonly long _epoch;
    private long _seq;

    public FleetSequencer(Site site, Fleet fleet, long epoch, DateTimeOffset startedAt)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(fleet);
        _site = site;
        _fleet = fleet;
        _epoch = epoch;
        fleet.Begin(epoch, startedAt);
    }

    public long Epoch => _epoch;

    /// <param name="cap">The import cap in force now (the contract's, or lower during a curtailment).</param>
    public SequencedBatches Sequence(IReadOnlyList<GpuAssignment> wanted, Power cap, DateTimeOffset now, DateTimeOffset validUntil)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        var gpus = _fleet.Gpus(now);
        var byGpu = wanted.ToDictionary(a => a.GpuId, StringComparer.Ordinal);
        var byId = gpus.ToDictionary(g => g.State.GpuId, StringComparer.Ordinal);
        var total = _fleet.BoundGridW(now);
        var commands = new Dictionary<string, List<GpuCommand>>(StringComparer.Ordinal);
        var increases = new List<(FleetGpu Gpu, GpuCommand Command, double Delta)>();
        var held = 0;

        // A GPU may be told anything up to its bound while the site, every GPU at its bound, is under the cap;
        // once it is not (a lower cap, or states not known yet), only what surely lowers a GPU goes out.
        var withinBoundsOk = total <= cap.Watts;
        foreach (var gpu in gpus.Where(g => g.Online && g.Known))
        {
            var pool = _site.Pool(gpu.State.Pool);
            var overhead = _fleet.OverheadOf(pool.Name);
            var a = byGpu.GetValueOrDefault(gpu.State.GpuId);
            var command = a is null || a.Workload is null
                ? new GpuCommand(gpu.State.GpuId, null, pool.IdlePowerPerGpu.Watts)
                : new GpuCommand(a.GpuId, a.Workload, a.PowerTarget.Watts, a.Shed);
            // The agent clamps to the GPU's own range, which may differ from the pool's: count what it will hold.
            var effective = gpu.Effective(command);
            var bound = gpu.State.PowerTarget.Watts;
            if (effective <= gpu.Effective(gpu.Floor) || (effective <= bound && withinBoundsOk))
            {
                // No GPU can end up above its bound: goes out now; room it frees counts once acknowledged.
                Add(commands, gpu.Node, command);
            }
            else if (effective <= bound)
            {
                Add(commands, gpu.Node, gpu.Floor);
                held++;
            }
            else
            {
                increases.Add((gpu, command, (effective - bound) * overhead));
            }
        }

        // Most important first: whatever the operator sheds last gets the room first (SLA inference, then the rest).
        foreach (var (gpu, command, delta) in increases.OrderBy(i => ShedPriority(i.Command)).ThenBy(i => i.Gpu.State.GpuId, StringComparer.Ordinal))
        {
            if (total + delta <= cap.Watts)
            {
                Add(commands, gpu.Node, command);
                total += delta;
            }
            else
            {
                // Held: the lowest command it may be following, which is surely no increase.
                Add(commands, gpu.Node, gpu.Floor);
                held++;
            }
        }

        var batches = new List<AssignmentBatch>(commands.Count);
        foreach (var (node, list) in commands.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var share = list.Sum(c => byId[c.Gpu].Effective(c));

            batches.Add(new AssignmentBatch(AgentJson.Version, node, _epoch, ++_seq, now, validUntil, Math.Round(share, 3), list));
        }

        return new SequencedBatches(batches, held, total);
    }

    /// <summary>Lower goes first: work the operator sheds last.</summary>
    private int ShedPriority(GpuCommand command) =>
        command.Shed is { } step ? -(_site.Policy.ShedRank(step) ?? 100) : -1000;

    private static void Add(Dictionary<string, List<GpuCommand>> commands, string node, GpuCommand command)
    {
        if (!commands.TryGetValue(node, out var list))
        {
            list = [];
            commands[node] = list;
        }

        list.Add(command);
    }
}

/// <summary>The batches of one control tick, how many increases wait for room, and the site's bound with them (grid W).</summary>
public sealed record SequencedBatches(IReadOnlyList<AssignmentBatch> Batches, int Held, double BoundGridW);
