using Energy.Contracts.Agents;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// The controller's view of its node agents: who is there (heartbeats, last wills), what each GPU
/// does (telemetry), and — for the grid cap — the most each GPU may be drawing at this instant, its
/// <em>bound</em>: the highest of what the agent last reported commanding, the batch it acknowledged
/// and every batch sent but not yet acknowledged, each until it has expired. A decrease therefore
/// frees room only once acknowledged; an increase counts from the moment it is sent. A GPU heard of
/// only through a heartbeat counts at its maximum until its telemetry arrives (or, should none ever
/// come, until whatever it may have been told has surely run out).
/// <para>
/// What agents say is checked against the site file, whoever signed it: a heartbeat offering a pool the
/// file does not have, a GPU outside its pool's power range, a GPU another agent holds, or more GPUs than
/// the file gives a pool (summed over all agents) is refused (the excess, where only the sum is too much)
/// and alarmed (<c>agents.*</c>); agents known before keep working. Only an accepted heartbeat makes an
/// agent known, and at most one agent per GPU of the site is tracked, so invented node names cannot grow
/// memory. Telemetry naming GPUs its agent never offered, acknowledgements refusing commands for
/// site-file reasons, and the warnings agents report are alarmed too.
/// </para>
/// </summary>
public sealed partial class Fleet
{
    private readonly Site _site;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, AgentEntry> _agents = new(StringComparer.Ordinal);
    private readonly SiteLoad _load;
    private readonly Alarms? _alarms;
    private readonly Lock _lock = new();

    private long _epoch;
    private DateTimeOffset _startedAt = DateTimeOffset.MinValue;

    public Fleet(Site site, TimeProvider time, ILogger<Fleet> logger, TimeSpan? offlineAfter = null, TimeSpan? clockMargin = null, Alarms? alarms = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        _site = site;
        _alarms = alarms;
        _time = time;
        _logger = logger;
        _load = new SiteLoad(site);
        OfflineAfter = offlineAfter ?? TimeSpan.FromSeconds(5);
        ClockMargin = clockMargin ?? TimeSpan.FromSeconds(2);
    }

    /// <summary>An agent not heard from for this long is planned around (its GPUs still count for the cap until their assignments expired).</summary>
    public TimeSpan OfflineAfter { get; }

    /// <summary>Added to every expiry before a batch stops counting, for clocks that differ between hosts.</summary>
    public TimeSpan ClockMargin { get; }

    /// <summary>Agents refuse batches older than this (by their send time), so an earlier controller's batches die out.</summary>
    public static TimeSpan MaxBatchAge => AssignmentBatch.MaxAge;

    /// <summary>An agent offline and unheard this long gives its place (and its GPUs' count) up to one that needs it.</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(15);

    /// <summary>At most this many agents are tracked: each offers at least one GPU of the site file.</summary>
    public int MaxAgents => Math.Max(1, _site.TotalGpus);

    private const double RangeToleranceW = 0.5;
    private static readonly TimeSpan UnknownGrace = TimeSpan.FromSeconds(30);
    private const int ClockSamples = 10;
    private const double ClockWarnMs = 1000;

    /// <summary>
    /// The controller (re)starts with <paramref name="epoch"/>. Until every agent is known to refuse an
    /// earlier controller's batches (it saw our epoch, or those batches are too old by now), its GPUs
    /// count at their maximum and it is sent nothing.
    /// </summary>
    public void Begin(long epoch, DateTimeOffset startedAt)
    {
        lock (_lock)
        {
            _epoch = epoch;
            _startedAt = startedAt;
        }
    }

    public IReadOnlyList<string> Nodes
    {
        get
        {
            lock (_lock)
            {
                return [.. _agents.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>An agent's inventory; refused (whole, or its excess GPUs) where it does not fit the site file. Returns whether it was taken.</summary>
    public bool OnHeartbeat(AgentHeartbeat heartbeat, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        lock (_lock)
        {
            if (Refusal(heartbeat) is { } refusal)
            {
                Alarm("agents.heartbeatRefused", $"heartbeat of agent '{Short(heartbeat.Node)}' refused: {refusal}; agents known before keep working");
                return false;
            }

            if (!_agents.TryGetValue(heartbeat.Node, out var agent))
            {
                if (_agents.Count >= MaxAgents && !Forget(at, null))
                {
                    Alarm("agents.tooMany", $"heartbeat of agent '{Short(heartbeat.Node)}' refused: {MaxAgents} agents are known, one per GPU of the site file");
                    return false;
                }

                agent = new AgentEntry(heartbeat.Node);
                _agents[heartbeat.Node] = agent;
            }

            agent.Inventory = Fit(agent, heartbeat, at).ToDictionary(g => g.Gpu, StringComparer.Ordinal);
            agent.Backend = heartbeat.Backend;
            agent.DeadmanSeconds = heartbeat.DeadmanSeconds;
            if (heartbeat.StartedAt != agent.StartedAt)
            {
                // A restarted agent: what its earlier run reported no longer holds (batches sent to it still count until they expire).
                agent.StartedAt = heartbeat.StartedAt;
                agent.Telemetry = null;
                agent.TelemetryAt = null;
            }

            SetOnline(agent, heartbeat.Online, at);
            return true;
        }
    }

    /// <summary>The broker's last will or a clean "offline": the agent is gone (its GPUs' bounds stay until they expire).</summary>
    public void OnOffline(string node, DateTimeOffset at)
    {
        lock (_lock)
        {
            if (_agents.TryGetValue(node, out var agent))
            {
                SetOnline(agent, false, at);
            }
        }
    }

    public void OnTelemetry(AgentTelemetry telemetry, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        lock (_lock)
        {
            if (!_agents.TryGetValue(telemetry.Node, out var agent))
            {
                Unknown("telemetry", telemetry.Node, at);
                return;
            }

            if (agent.Telemetry is { } last && last.At > telemetry.At)
            {
                return;   // an older report overtaken by a newer one (by the agent's clock: a restarted agent starts its sequence again)
            }

            var foreign = telemetry.Gpus.Where(g => !agent.Inventory.ContainsKey(g.Gpu)).Select(g => g.Gpu).Distinct(StringComparer.Ordinal).ToList();
            if (foreign.Count > 0)
            {
                // Only what it offered (and was accepted) counts: a report cannot add GPUs.
                Alarm("agents.telemetryRefused", $"telemetry of agent {telemetry.Node} names {foreign.Count} GPU(s) it does not hold here "
                    + $"({string.Join(", ", foreign.Take(3).Select(g => Short(g)))}{(foreign.Count > 3 ? ", …" : "")}); those are ignored");
                telemetry = telemetry with { Gpus = [.. telemetry.Gpus.Where(g => agent.Inventory.ContainsKey(g.Gpu))] };
            }

            if (telemetry.Warnings is { Count: > 0 } warnings)
            {
                Alarm($"agents.warnings.{telemetry.Node}", $"agent {telemetry.Node}: {string.Join("; ", warnings.Take(4).Select(w => Short(w, 200)))}");
            }

            agent.Telemetry = telemetry;
            agent.TelemetryAt = at;
            ObserveClock(agent, telemetry.At, at);
            SetOnline(agent, true, at);
        }
    }

    public void OnAck(AssignmentAck ack, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(ack);
        lock (_lock)
        {
            if (!_agents.TryGetValue(ack.Node, out var agent))
            {
                Unknown("acknowledgement", ack.Node, at);
                return;
            }

            agent.LastHeard = at;
            var siteFile = ack.Refused.Where(r => SiteFileRefusal.Is(r.Reason)).ToList();
            if (SiteFileRefusal.Is(ack.Refusal) || siteFile.Count > 0)
            {
                // The agent enforces the site file itself: a command of ours that breaks it means a broken controller, or commands not ours.
                Alarm("agents.commandsRefused", $"agent {ack.Node} refused commands of batch {ack.Epoch}/{ack.Seq} by the site file: "
                    + Short(ack.Refusal ?? $"{siteFile.Count} GPU(s), e.g. {siteFile[0].Gpu}: {siteFile[0].Reason}", 300));
            }

            var batch = agent.Pending.FirstOrDefault(p => p.Epoch == ack.Epoch && p.Seq == ack.Seq);
            if (ack.Refusal is null or "duplicate")
            {
                if (batch is not null && (agent.Acked is null || (batch.Epoch, batch.Seq).CompareTo((agent.Acked.Epoch, agent.Acked.Seq)) > 0))
                {
                    agent.Acked = batch;
                }

                // Everything sent before the acknowledged batch can no longer be applied: the agent refuses older ones.
                agent.Pending.RemoveAll(p => (p.Epoch, p.Seq).CompareTo((ack.Epoch, ack.Seq)) <= 0);
                agent.AckedAt = at;
                agent.RefusalsInARow = 0;
            }
            else
            {
                // A refused batch was never applied; it stops counting. The agent keeps what it had.
                agent.Pending.RemoveAll(p => p.Epoch == ack.Epoch && p.Seq == ack.Seq);
                if (agent.RefusalsInARow++ == 0)
                {
                    Log.BatchRefusedByAgent(_logger, ack.Node, ack.Epoch, ack.Seq, ack.Refusal);
                }
            }
        }
    }

    /// <summary>Records a batch as sent: from now until it expires its targets count for the cap.</summary>
    public void Sent(AssignmentBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            if (!_agents.TryGetValue(batch.Node, out var agent))
            {
                return;   // batches go only to agents whose GPUs are known
            }

            agent.Pending.Add(new SentBatch(batch.Epoch, batch.Seq, batch.ValidUntil,
                batch.Gpus.DistinctBy(g => g.Gpu, StringComparer.Ordinal).ToDictionary(g => g.Gpu, g => g, StringComparer.Ordinal)));
        }
    }

    public bool IsOnline(string node, DateTimeOffset now)
    {
        lock (_lock)
        {
            return _agents.TryGetValue(node, out var a) && Online(a, now);
        }
    }

    /// <summary>Agents heard of, with their state, for the status page.</summary>
    public IReadOnlyList<AgentView> Agents(DateTimeOffset now)
    {
        lock (_lock)
        {
            return [.. _agents.Values.OrderBy(a => a.Node, StringComparer.Ordinal).Select(a => new AgentView(
                a.Node, Online(a, now), a.Telemetry?.State ?? "unknown", a.Inventory.Count, a.LastHeard,
                a.Telemetry?.CommandedW ?? 0, a.Acked?.Seq ?? 0, a.Pending.Count, a.Backend, Math.Round(a.ClockOffsetMs)))];
        }
    }

    /// <summary>
    /// Every GPU of every agent as the dispatcher and the cap guard need it: <see cref="GpuState.PowerTarget"/>
    /// is the GPU's bound (the most it may be told now), <see cref="GpuState.Power"/> what it last reported drawing.
    /// </summary>
    public IReadOnlyList<FleetGpu> Gpus(DateTimeOffset now)
    {
        lock (_lock)
        {
            var result = new List<FleetGpu>();
            foreach (var agent in _agents.Values.OrderBy(a => a.Node, StringComparer.Ordinal))
            {
                Expire(agent, now);
                var online = Online(agent, now);
                var reported = agent.Telemetry?.Gpus.DistinctBy(g => g.Gpu, StringComparer.Ordinal).ToDictionary(g => g.Gpu, StringComparer.Ordinal);
                foreach (var item in agent.Inventory.Values.OrderBy(g => g.Gpu, StringComparer.Ordinal))
                {
                    var r = reported?.GetValueOrDefault(item.Gpu);
                    var (bound, floor, known) = Bound(agent, item, r, now);
                    var state = new GpuState(
                        item.Gpu, item.Pool, r?.Workload ?? floor.Workload,
                        Power.FromWatts(bound), Power.FromWatts(r?.PowerW ?? bound), Power.FromWatts(r?.AveragePowerW ?? bound),
                        EnergyAmount.FromKilowattHours((r?.EnergyJ ?? 0) / 3.6e6), Temperature.FromCelsius(r?.TemperatureC ?? 0),
                        agent.TelemetryAt ?? now);
                    result.Add(new FleetGpu(agent.Node, state, online, known, floor, r) { Inventory = item });
                }
            }

            return result;
        }
    }

    /// <summary>
    /// GPUs of agents heard of before but offline now and unheard for at least <paramref name="silentFor"/>,
    /// per pool, for the planner to plan around (a short stall of an agent, or of this process, does not
    /// re-plan the site). Agents never heard of are not counted: before the first heartbeat the site file's
    /// pools are all there is to plan with.
    /// </summary>
    public IReadOnlyList<UnavailableGpus> OfflineGpus(DateTimeOffset now, TimeSpan silentFor)
    {
        lock (_lock)
        {
            return [.. _agents.Values
                .Where(a => !Online(a, now) && now - a.LastHeard >= silentFor && a.Inventory.Count > 0)
                .SelectMany(a => a.Inventory.Values.Select(g => (g.Pool, a.Node)))
                .GroupBy(g => g.Pool, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new UnavailableGpus(g.Key, g.Count(),
                    "agent " + string.Join(", ", g.Select(x => x.Node).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)) + " offline",
                    SafePower(_site.Pool(g.Key).Range)))];
        }
    }

    /// <summary>What the GPUs would draw from the grid, cooling included, if every GPU drew its bound (W); the base load is apart.</summary>
    public double BoundControlledW(DateTimeOffset now) => Gpus(now).Sum(g => _load.GridWatts(g.State.Pool, g.State.PowerTarget.Watts));

    /// <summary>
    /// The most this GPU may be drawing now (<c>Bound</c>) and the command it would surely not be above
    /// (<c>Floor</c>): the possible states are what it last reported (when that report is current), the
    /// acknowledged batch and every batch in flight, each until it has expired.
    /// </summary>
    private (double Bound, GpuCommand Floor, bool Known) Bound(AgentEntry agent, GpuInventoryItem item, GpuTelemetry? reported, DateTimeOffset now)
    {
        var idle = new GpuCommand(item.Gpu, null, item.IdleW);
        if (agent.Acked is null && agent.Telemetry is null && !Online(agent, now) && now >= HeartbeatOnlyUntil(agent))
        {
            // Heard of only through a heartbeat, silent since: whatever it may have been told (by an earlier
            // controller, which stopped when we started) has run out by its dead-man; it is in the safe state at most.
            return (SafePower(item.Range).Watts, idle, false);
        }

        if (!Trusted(agent))
        {
            // Batches of an earlier controller may still reach this agent: anything up to its maximum.
            return (item.MaxW, idle, false);
        }

        var bound = 0.0;
        var floor = (GpuCommand?)null;
        var floorW = double.PositiveInfinity;
        void Consider(GpuCommand command)
        {
            var w = Effective(item, command);
            bound = Math.Max(bound, w);
            if (w < floorW)
            {
                floorW = w;
                floor = command;
            }
        }

        if (reported is not null && agent.Telemetry is { } t && IsCurrent(agent, t))
        {
            Consider(new GpuCommand(item.Gpu, reported.Workload, reported.TargetW));

            // What it may still go to by itself (a held increase, load back after demand response).
            bound = Math.Max(bound, Math.Min(reported.WantedW, item.MaxW));
        }

        if (agent.Acked is { } acked && acked.ValidUntil + ClockMargin > now && acked.Commands.TryGetValue(item.Gpu, out var a))
        {
            Consider(a);
        }

        foreach (var p in agent.Pending)
        {
            if (p.Commands.TryGetValue(item.Gpu, out var c))
            {
                Consider(c);
            }
        }

        if (floor is null)
        {
            // Nothing current is known: everything it may have been told has run out (its dead-man fired), or
            // nothing was ever heard. The first is the safe state, the second could be anything.
            var expired = agent.Acked is not null || agent.Telemetry is not null;
            return expired ? (SafePower(item.Range).Watts, idle, true) : (item.MaxW, idle, false);
        }

        return (bound, floor, true);
    }

    /// <summary>
    /// Whether what the agent reports can be trusted: it has acknowledged one of our batches or seen our
    /// epoch (so it refuses older controllers' batches), or every batch an earlier controller sent is
    /// too old to be applied when it reported.
    /// </summary>
    private bool Trusted(AgentEntry agent) =>
        agent.Acked is { } acked && acked.Epoch >= _epoch
        || (agent.Telemetry is { } t && (t.Epoch >= _epoch || t.At >= _startedAt + MaxBatchAge + ClockMargin));

    /// <summary>
    /// Until when an agent heard of only through its heartbeat may still follow a batch: an earlier controller's
    /// last batch arrived by our start plus <see cref="MaxBatchAge"/>, and agents follow a batch at most their
    /// dead-man after it arrived (at most <see cref="FleetAgentLink.MaxValidity"/>, whatever one claims).
    /// </summary>
    private DateTimeOffset HeartbeatOnlyUntil(AgentEntry agent)
    {
        var deadman = double.IsFinite(agent.DeadmanSeconds) && agent.DeadmanSeconds > 0
            ? TimeSpan.FromSeconds(Math.Min(agent.DeadmanSeconds, FleetAgentLink.MaxValidity.TotalSeconds))
            : FleetAgentLink.MaxValidity;
        var latest = _startedAt == DateTimeOffset.MinValue ? agent.LastHeard : (_startedAt > agent.LastHeard ? _startedAt : agent.LastHeard);
        return latest + MaxBatchAge + deadman + ClockMargin;
    }

    /// <summary>Telemetry counts as the GPU's state only when it reports the acknowledged batch or a newer one (or nothing was acknowledged yet).</summary>
    private static bool IsCurrent(AgentEntry agent, AgentTelemetry t) =>
        agent.Acked is not { } acked || (t.Epoch, t.Seq).CompareTo((acked.Epoch, acked.Seq)) >= 0;

    /// <summary>What a GPU holds in the site's safe state.</summary>
    private Power SafePower(GpuPowerRange range) => _site.Policy.SafeState == SafeState.MinimumPower ? range.Min : range.Idle;

    private void Expire(AgentEntry agent, DateTimeOffset now) =>
        agent.Pending.RemoveAll(p => p.ValidUntil + ClockMargin <= now);

    private static double Effective(GpuInventoryItem item, GpuCommand command) => item.Range.HoldsWatts(command.Workload, command.TargetW);

    /// <summary>
    /// The agent's clock against ours, from its last reports: each is stamped when sent and received a little
    /// later, so the largest (agent − controller) difference of the last few is the offset with the least
    /// delay in it. Agents refuse batches older than 3 s by their clock and the controller allows 2 s on
    /// expiries, so an offset beyond 1 s is reported (once, until it is back under 0.5 s).
    /// </summary>
    private void ObserveClock(AgentEntry agent, DateTimeOffset agentAt, DateTimeOffset receivedAt)
    {
        agent.ClockSamples.Enqueue((agentAt - receivedAt).TotalMilliseconds);
        while (agent.ClockSamples.Count > ClockSamples)
        {
            agent.ClockSamples.Dequeue();
        }

        var offset = agent.ClockSamples.Max();
        agent.ClockOffsetMs = offset;
        if (!agent.ClockWarned && Math.Abs(offset) > ClockWarnMs && agent.ClockSamples.Count >= 3)
        {
            agent.ClockWarned = true;
            Log.AgentClockOffset(_logger, agent.Node, offset / 1000);
        }
        else if (agent.ClockWarned && Math.Abs(offset) < ClockWarnMs / 2)
        {
            agent.ClockWarned = false;
        }
    }

    private bool Online(AgentEntry agent, DateTimeOffset now) => agent.Online && now - agent.LastHeard <= OfflineAfter;

    private void SetOnline(AgentEntry agent, bool online, DateTimeOffset at)
    {
        if (online)
        {
            agent.LastHeard = at;
        }

        if (agent.Online != online)
        {
            agent.Online = online;
            if (online)
            {
                Log.AgentOnline(_logger, agent.Node, agent.Inventory.Count);
            }
            else
            {
                Log.AgentOffline(_logger, agent.Node);
            }
        }
    }

    private sealed class AgentEntry(string node)
    {
        public string Node { get; } = node;

        public bool Online { get; set; }

        public DateTimeOffset LastHeard { get; set; }

        public string Backend { get; set; } = "unknown";

        public double DeadmanSeconds { get; set; } = double.NaN;

        public DateTimeOffset StartedAt { get; set; }

        public Dictionary<string, GpuInventoryItem> Inventory { get; set; } = new(StringComparer.Ordinal);

        public AgentTelemetry? Telemetry { get; set; }

        public DateTimeOffset? TelemetryAt { get; set; }

        public Queue<double> ClockSamples { get; } = new();

        public double ClockOffsetMs { get; set; }

        public bool ClockWarned { get; set; }

        public SentBatch? Acked { get; set; }

        public DateTimeOffset AckedAt { get; set; }

        public List<SentBatch> Pending { get; } = [];

        public int RefusalsInARow { get; set; }
    }

    private sealed record SentBatch(long Epoch, long Seq, DateTimeOffset ValidUntil, Dictionary<string, GpuCommand> Commands);
}

/// <summary>
/// One GPU as the controller sees it: its agent, its state with the bound as target, whether its agent
/// is reachable, whether its state is known (else it counts at its maximum and gets no commands), the
/// lowest command it may be following (sending it is surely no increase) and its last report.
/// </summary>
public sealed record FleetGpu(string Node, GpuState State, bool Online, bool Known, GpuCommand Floor, GpuTelemetry? Reported)
{
    /// <summary>The GPU as its agent reports it, with its own power range: what the agent clamps a command to.</summary>
    public required GpuInventoryItem Inventory { get; init; }

    /// <summary>What a command makes this GPU hold, in watts: idle power for idle, else the target within the GPU's range.</summary>
    public double Effective(GpuCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Inventory.Range.HoldsWatts(command.Workload, command.TargetW);
    }

    /// <summary>
    /// What the GPU draws by its last report; without one, the least it can draw (idle), so that the load
    /// measured beside it by a site meter is never taken for less than it is.
    /// </summary>
    public Power Drawing => Reported is { } r && double.IsFinite(r.PowerW) ? Power.FromWatts(Math.Max(0, r.PowerW)) : Inventory.Range.Idle;
}

/// <summary>An agent on the status page.</summary>
/// <param name="ClockOffsetMs">The agent's clock against the controller's (positive: ahead), from its reports; 0 until it reports.</param>
public sealed record AgentView(string Node, bool Online, string State, int Gpus, DateTimeOffset LastHeard, double CommandedW, long AckedSeq, int PendingBatches,
    string Backend, double ClockOffsetMs);
