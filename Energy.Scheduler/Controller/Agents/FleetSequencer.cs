using Energy.Contracts.Agents;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.Dispatch;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// The one enforcer of the grid cap at run time. Each control tick it turns the wanted per-GPU
/// assignments into one batch per reachable agent so that the site stays under the limit at every
/// instant, whatever order batches and acknowledgements arrive in, or whether they arrive at all:
/// <list type="number">
/// <item>what the GPUs would hold, with the base load, is fitted under the limit by shedding in the
/// operator's shed order (<see cref="CapShedder"/>): a lower cap, or more load HeatGrid does not
/// control, takes work off within the tick;</item>
/// <item>a decrease goes out at once but frees room only once the agent has acknowledged it;</item>
/// <item>an increase goes out only while the site — the base load and every GPU at its bound (see
/// <see cref="Fleet"/>) — stays under the limit with it and within the tick's ramp allowance, and
/// counts from the moment it is sent; SLA work gets room first.</item>
/// </list>
/// A held GPU is sent what it had, so its dead-man does not fire meanwhile. Each batch carries the
/// agent's cap share: the sum it may command.
/// </summary>
public sealed class FleetSequencer
{
    private readonly Site _site;
    private readonly SiteLoad _load;
    private readonly Fleet _fleet;
    private readonly Energy.Scheduler.Policy.PolicyState? _policy;
    private long _epoch;
    private long _seq;

    /// <param name="policy">Where the shed order in force is read at each tick; the site file's without it.</param>
    public FleetSequencer(Site site, Fleet fleet, long epoch, DateTimeOffset startedAt, Energy.Scheduler.Policy.PolicyState? policy = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(fleet);
        _site = site;
        _load = new SiteLoad(site);
        _fleet = fleet;
        _policy = policy;
        _epoch = epoch;
        fleet.Begin(epoch, startedAt);
    }

    public long Epoch => Interlocked.Read(ref _epoch);

    private OperatorPolicy Policy => (_policy?.Site ?? _site).Policy;

    /// <summary>
    /// Moves to a new epoch above <paramref name="above"/> (see <see cref="ControllerEpochGuard"/>): agents
    /// that follow an epoch this controller did not know of take its batches again once they see it. The
    /// fleet starts over as at a restart: until an agent is known to refuse older batches it counts at its maximum.
    /// </summary>
    public long MoveAbove(long above, DateTimeOffset now)
    {
        var epoch = Math.Max(above + 1, now.ToUnixTimeMilliseconds());
        Interlocked.Exchange(ref _epoch, epoch);
        _fleet.Begin(epoch, now);
        return epoch;
    }

    /// <summary>
    /// Moves to <paramref name="epoch"/> exactly (with <c>--ha</c>: the database's, given at a takeover). As at a restart,
    /// the fleet starts over: until an agent is known to follow this epoch its GPUs count at their maximum.
    /// </summary>
    public void MoveTo(long epoch, DateTimeOffset now)
    {
        Interlocked.Exchange(ref _epoch, epoch);
        _fleet.Begin(epoch, now);
    }

    public SequencedBatches Sequence(IReadOnlyList<GpuAssignment> wanted, CapLimits limits, DateTimeOffset now, DateTimeOffset validUntil)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(limits);
        var epoch = Epoch;
        var gpus = _fleet.Gpus(now);
        var byId = gpus.ToDictionary(g => g.State.GpuId, StringComparer.Ordinal);
        var cap = limits.HoldBelow.Watts;
        var commandable = gpus.Where(g => g.Online && g.Known).ToList();
        var explanations = new List<string>();
        var fitted = Fit(wanted, limits, gpus, byId, explanations);
        var byGpu = fitted.ToDictionary(a => a.GpuId, StringComparer.Ordinal);

        var total = limits.BaseLoad.Watts + _fleet.BoundControlledW(now);
        var commands = new Dictionary<string, List<GpuCommand>>(StringComparer.Ordinal);
        var increases = new List<(FleetGpu Gpu, GpuCommand Command, double Delta)>();
        var held = 0;

        // A GPU may be told anything up to its bound while the site, every GPU at its bound, is under the cap;
        // once it is not (a lower cap, more other load, or states not known yet), only what surely lowers a GPU goes out.
        var withinBoundsOk = total <= cap;
        foreach (var gpu in commandable)
        {
            var command = CommandFor(gpu, byGpu.GetValueOrDefault(gpu.State.GpuId));

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
                increases.Add((gpu, command, _load.GridWatts(gpu.State.Pool, effective - bound)));
            }
        }

        // Most important first: whatever the operator sheds last gets the room first (SLA inference, then the rest).
        var rampLeft = limits.RampAllowance?.Watts ?? double.PositiveInfinity;
        foreach (var (gpu, command, delta) in increases.OrderByDescending(i => Policy.KeepRank(i.Command.Shed))
            .ThenBy(i => i.Gpu.State.GpuId, StringComparer.Ordinal))
        {
            if (total + delta <= cap && delta <= rampLeft)
            {
                Add(commands, gpu.Node, command);
                total += delta;
                rampLeft -= delta;
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

            batches.Add(new AssignmentBatch(AgentJson.Version, node, epoch, ++_seq, now, validUntil, Math.Round(share, 3), list));
        }

        return new SequencedBatches(batches, held, total) { Sent = fitted, Explanations = explanations };
    }

    /// <summary>
    /// The wanted assignments fitted under the limit: what every commandable GPU would hold, with the base
    /// load and every other GPU at its bound, is shed in the shed order until it fits.
    /// </summary>
    private IReadOnlyList<GpuAssignment> Fit(IReadOnlyList<GpuAssignment> wanted, CapLimits limits, IReadOnlyList<FleetGpu> gpus,
        Dictionary<string, FleetGpu> byId, List<string> explanations)
    {
        var commanded = wanted.Where(a => byId.TryGetValue(a.GpuId, out var g) && g.Online && g.Known)
            .Select(a => a.GpuId).ToHashSet(StringComparer.Ordinal);
        var others = gpus.Where(g => !commanded.Contains(g.State.GpuId))
            .Sum(g => _load.GridWatts(g.State.Pool, g.Online && g.Known ? g.Inventory.Range.Idle.Watts : g.State.PowerTarget.Watts));
        Power Grid(GpuAssignment a)
        {
            var gpu = byId[a.GpuId];
            return _load.GridOf(gpu.State.Pool, gpu.Inventory.Range.Holds(a.Workload, a.PowerTarget));
        }

        GpuAssignment Idle(GpuAssignment a) => a with { Workload = null, PowerTarget = byId[a.GpuId].Inventory.Range.Idle, Shed = null };

        return CapShedder.Fit(Policy.ShedOrder, limits.HoldBelow, limits.BaseLoad + Power.FromWatts(others), wanted, commanded, Grid, Idle,
            limits.Why, explanations);
    }

    private static GpuCommand CommandFor(FleetGpu gpu, GpuAssignment? a) =>
        a is null || a.Workload is null
            ? new GpuCommand(gpu.State.GpuId, null, gpu.Inventory.Range.Idle.Watts)
            : new GpuCommand(a.GpuId, a.Workload, a.PowerTarget.Watts, a.Shed);

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

/// <summary>The batches of one control tick, how many increases wait for room, and the site's bound with them (grid W, base load included).</summary>
public sealed record SequencedBatches(IReadOnlyList<AssignmentBatch> Batches, int Held, double BoundGridW)
{
    /// <summary>The assignments after shedding to fit the limit: what the controller wants of each GPU this tick.</summary>
    public IReadOnlyList<GpuAssignment> Sent { get; init; } = [];

    /// <summary>What the fit shed, or could not shed, in the operator's words.</summary>
    public IReadOnlyList<string> Explanations { get; init; } = [];
}
