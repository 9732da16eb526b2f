using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Gpu.Devices;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Agents;

/// <summary>
/// The node agent's logic, free of any transport: it follows the controller's assignment batches,
/// keeps its GPUs within the cap share it was given (decreases first, increases only once the room is
/// there), falls to the safe state when its assignments run out (dead-man), and answers under-frequency
/// by itself — no round trip to the controller — shedding in the operator's shed order and coming back
/// staggered once the grid has recovered. Every demand-response action yields evidence with its timing.
/// It enforces the site file itself, whoever signed a batch (see <see cref="AgentOptions.Site"/>), and
/// takes only plausible frequency samples; a shed whose feed went silent ends by the site's
/// <c>onFrequencyLost</c> rule, with a warning in its telemetry meanwhile.
/// Thread-safe: batches, frequency samples and ticks may arrive on different threads.
/// </summary>
public sealed partial class AgentCore
{
    // A GPU whose power is coming down counts at what it still draws (never above what it was told
    // before) until it is within this of its new target.
    private const double SettledToleranceW = 2;
    private const double ShareToleranceW = 0.5;

    // After a shed the GPUs' power is read at the instant field's refresh (≈ 25 ms) rather than the 100-ms
    // tick, so that the evidence's "power observed down" is not late by the tick; for this long at most,
    // then the tick goes on looking.
    private static readonly TimeSpan ObservePeriod = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan ObserveFor = TimeSpan.FromSeconds(10);

    private readonly IGpuDevice[] _gpus;
    private readonly Dictionary<string, IGpuDevice> _byId;
    private readonly Dictionary<string, GpuPowerRange> _ranges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GpuPool?> _pools = new(StringComparer.Ordinal);
    private readonly double _gridCapW = double.PositiveInfinity;
    private readonly double _minGridFactor = 1;
    private readonly Dictionary<string, GpuCommand> _wanted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Command> _commanded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _fallingFrom = new(StringComparer.Ordinal);
    private readonly HashSet<string> _shed = new(StringComparer.Ordinal);
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _restoreOffset;
    private readonly Lock _lock = new();
    private readonly DateTimeOffset _startedAt;

    private long _epoch;
    private long _seq;
    private DateTimeOffset _validUntil = DateTimeOffset.MinValue;
    private double _capShare;
    private bool _safe = true;
    private double _heldW;

    // Demand response.
    private FrequencyStage? _stage;
    private DateTimeOffset? _recoveredSince;
    private DateTimeOffset _lastSampleSeen = DateTimeOffset.MinValue;
    private DemandResponseEvent? _pendingObservation;
    private (string[] Gpus, double TargetW, double ShedW) _observe;
    private DemandResponseEvent? _observed;
    private ITimer? _observeTimer;
    private DateTimeOffset _observeUntil;
    private int _events;
    private DateTimeOffset _lastRefusalLog = DateTimeOffset.MinValue;
    private DateTimeOffset _lastRefusalAt = DateTimeOffset.MinValue;
    private (double Hz, DateTimeOffset At)? _lastSample;
    private long _frequencyRefused;
    private DateTimeOffset? _feedLostSince;
    private bool _validityCut;

    public AgentCore(string node, IEnumerable<IGpuDevice> gpus, AgentOptions options, TimeProvider time, ILogger<AgentCore> logger)
    {
        AgentTopics.ValidateNode(node);
        ArgumentNullException.ThrowIfNull(gpus);
        ArgumentNullException.ThrowIfNull(options);
        Node = node;
        _gpus = [.. gpus];
        _byId = _gpus.ToDictionary(g => g.Id, StringComparer.Ordinal);
        _options = options;
        _time = time;
        _logger = logger;
        _restoreOffset = StaggerOffset(node, options.DemandResponse.RestoreStagger);
        _startedAt = time.GetUtcNow();
        foreach (var gpu in _gpus)
        {
            var pool = options.Site?.Pools.FirstOrDefault(p => p.Name == gpu.Pool);
            _pools[gpu.Id] = pool;
            _ranges[gpu.Id] = pool is null ? gpu.Range : Within(gpu.Range, pool.Range);
        }

        if (options.Site is { } site)
        {
            // The share is GPU watts, the cap grid watts: each GPU's power counts with its pool's cooling (GpuPool.GridFactor).
            _minGridFactor = _pools.Values.OfType<GpuPool>().Select(p => p.GridFactor).DefaultIfEmpty(1).Min();
            _gridCapW = site.Grid.ImportCap.Watts;
        }

        foreach (var gpu in _gpus)
        {
            _commanded[gpu.Id] = new Command(null, gpu.IdlePower.Watts);
            gpu.Apply(null, gpu.IdlePower);
        }

        _capShare = _commanded.Values.Sum(c => c.Watts);
    }

    public string Node { get; }

    public IReadOnlyList<IGpuDevice> Gpus => _gpus;

    /// <summary>The signal carrying the grid frequency this agent watches.</summary>
    public string FrequencySignal => _options.DemandResponse.FrequencySignal;

    /// <summary>Where the frequency is taken from; a transport hands the agent samples of this source only.</summary>
    public FrequencySource FrequencySource => _options.FrequencySource;

    /// <summary>Grid-frequency samples refused as implausible (out of range, too old, in the future, an impossible jump).</summary>
    public long FrequencyRefused => Interlocked.Read(ref _frequencyRefused);

    /// <summary>The controller epoch the agent follows; batches from older epochs are refused.</summary>
    public long Epoch
    {
        get
        {
            lock (_lock)
            {
                return _epoch;
            }
        }
    }

    /// <summary>The sum of what the agent's GPUs are told now, idle GPUs at their idle power (GPU watts).</summary>
    public double CommandedW
    {
        get
        {
            lock (_lock)
            {
                return _commanded.Values.Sum(c => c.Watts);
            }
        }
    }

    public string State
    {
        get
        {
            lock (_lock)
            {
                return StateLocked;
            }
        }
    }

    private string StateLocked => _stage is not null ? AgentState.Shedding : _safe ? AgentState.Safe : AgentState.Following;

    /// <summary>A newer controller announced itself: from now on only its batches (or newer) are followed.</summary>
    public void ObserveEpoch(long epoch)
    {
        lock (_lock)
        {
            if (epoch > _epoch)
            {
                Log.AgentEpochAdvanced(_logger, Node, _epoch, epoch);
                _epoch = epoch;
                _seq = 0;
            }
        }
    }

    /// <summary>Applies a batch (or refuses it whole, with the reason in the acknowledgement).</summary>
    public AssignmentAck Apply(AssignmentBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var refusal = Check(batch, now);
            if (refusal is not null)
            {
                if (!(batch.Epoch == _epoch && batch.Seq == _seq))
                {
                    Log.BatchRefused(_logger, Node, batch.Epoch, batch.Seq, refusal);
                }

                return Ack(batch.Epoch, batch.Seq, now, refusal, []);
            }

            var refused = new List<RefusedCommand>();
            _wanted.Clear();
            foreach (var command in batch.Gpus)
            {
                if (!_byId.TryGetValue(command.Gpu, out var gpu))
                {
                    refused.Add(new RefusedCommand(command.Gpu, $"node {Node} has no GPU '{command.Gpu}'"));
                }
                else if (!double.IsFinite(command.TargetW) || command.TargetW < 0)
                {
                    refused.Add(new RefusedCommand(command.Gpu, $"target {command.TargetW} W is not a power"));
                }
                else if (NotAllowed(gpu, command.Workload) is { } why)
                {
                    // The GPU goes idle: what the site file does not allow is not run, whoever asked.
                    refused.Add(new RefusedCommand(command.Gpu, SiteFileRefusal.Because(why)));
                }
                else
                {
                    if (command.Workload is not null && _pools[gpu.Id] is { } pool && command.TargetW > pool.MaxPowerPerGpu.Watts + ShareToleranceW)
                    {
                        refused.Add(new RefusedCommand(command.Gpu, SiteFileRefusal.Because(
                            $"target {command.TargetW:0.#} W is above pool {pool.Name}'s {pool.MaxPowerPerGpu.Watts:0.#} W: held at {_ranges[gpu.Id].Max.Watts:0.#} W")));
                    }

                    _wanted[gpu.Id] = command;
                }
            }

            _epoch = batch.Epoch;
            _seq = batch.Seq;
            _validUntil = CutToDeadman(batch.ValidUntil, now);
            _capShare = batch.CapShareW;
            if (_safe)
            {
                Log.AgentFollowing(_logger, Node, batch.Epoch);
            }

            _safe = false;
            Reconcile();
            return Ack(batch.Epoch, batch.Seq, now, null, refused);
        }
    }

    /// <summary>
    /// A grid-frequency sample, received at <paramref name="seenAt"/>. Returns the evidence of a shed it
    /// triggered (commands already sent to the GPUs), or null.
    /// </summary>
    public DemandResponseEvent? OnFrequency(FrequencySample sample, DateTimeOffset seenAt)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var policy = _options.DemandResponse;
        lock (_lock)
        {
            if (Implausible(sample, seenAt, policy) is { } refusal)
            {
                RefuseSample(sample, seenAt, refusal);
                return null;
            }

            _lastSample = (sample.Hz, sample.At);
            _lastSampleSeen = seenAt;
            if (_feedLostSince is { } lostSince)
            {
                _feedLostSince = null;
                Log.FrequencyFeedBack(_logger, Node, (seenAt - lostSince).TotalSeconds);
            }

            var stage = policy.StageFor(sample.Hz);
            if (stage is null)
            {
                if (_stage is not null)
                {
                    _recoveredSince = sample.Hz >= policy.RestoreAboveHz ? _recoveredSince ?? sample.At : null;
                }

                return null;
            }

            _recoveredSince = null;
            if (_stage is not null && (stage.BelowHz >= _stage.BelowHz || stage.ShedFraction <= _stage.ShedFraction))
            {
                return null;   // already shedding at this depth
            }

            var before = _commanded.Values.Sum(c => c.Watts);
            _stage = stage;
            ChooseShed(stage.ShedFraction);
            var commanded = Reconcile();
            var at = _time.GetUtcNow();
            var reading = ReadingOf(_shed);
            var evidence = new DemandResponseEvent(
                AgentJson.Version, Node, $"{Node}-{++_events}", "frequency", sample.Hz, stage.BelowHz, stage.Deadline.TotalSeconds,
                sample.At, seenAt, at, null, before, _commanded.Values.Sum(c => c.Watts), commanded)
            {
                PowerReading = reading.Source,
                PowerReadingWindowMs = reading.Window.TotalMilliseconds,
            };
            _pendingObservation = evidence;
            _observe = ([.. _shed], _shed.Sum(id => _commanded[id].Watts), before - evidence.TargetW);
            WatchPower(at);
            Log.FrequencyShed(_logger, Node, sample.Hz, stage.BelowHz, before - evidence.TargetW, commanded, evidence.CommandMs);
            return evidence;
        }
    }

    /// <summary>
    /// Called every ~100 ms: the dead-man, held increases, staggered restore after demand response, and
    /// the moment the GPUs' power is seen down. Returns demand-response evidence to publish.
    /// </summary>
    public IReadOnlyList<DemandResponseEvent> Tick()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var events = new List<DemandResponseEvent>(1);
            if (!_safe && now >= _validUntil)
            {
                _safe = true;
                _wanted.Clear();
                Log.AgentDeadman(_logger, Node, _validUntil, _options.SafeState);
            }

            // A recovery counts only on a live feed; a feed that went silent while shedding is a warning, and
            // the shed ends by the site's rule for a lost feed (onFrequencyLost), never by one missing sample.
            var dr = _options.DemandResponse;
            var silent = now - _lastSampleSeen > dr.MaxFrequencyAge;
            if (_stage is not null && silent)
            {
                _recoveredSince = null;
                if (_feedLostSince is null)
                {
                    _feedLostSince = _lastSampleSeen + dr.MaxFrequencyAge;
                    Log.FrequencyLostWhileShedding(_logger, Node, _lastSampleSeen, dr.OnFrequencyLost.ToString());
                }
            }

            var lostRestore = _stage is not null && silent && dr.OnFrequencyLost.RestoreAfter is { } after && now - _lastSampleSeen >= after + _restoreOffset;
            if (_stage is not null && (lostRestore || (_recoveredSince is { } recovered && now - recovered >= dr.RestoreHold + _restoreOffset)))
            {
                var before = _commanded.Values.Sum(c => c.Watts);
                var stage = _stage;
                var from = lostRestore ? _lastSampleSeen : _recoveredSince!.Value;
                _stage = null;
                _recoveredSince = null;
                _feedLostSince = null;
                _shed.Clear();
                var count = Reconcile();
                var restore = new DemandResponseEvent(
                    AgentJson.Version, Node, $"{Node}-{++_events}", "restore", lostRestore ? _lastSample?.Hz ?? 0 : dr.RestoreAboveHz, stage.BelowHz,
                    0, from, now, _time.GetUtcNow(), null, before, _commanded.Values.Sum(c => c.Watts), count);
                if (lostRestore)
                {
                    Log.FrequencyLostRestored(_logger, Node, restore.TargetW - before, (now - _lastSampleSeen).TotalSeconds, dr.OnFrequencyLost.ToString());
                }
                else
                {
                    Log.DemandResponseRestored(_logger, Node, restore.TargetW - before, _restoreOffset.TotalSeconds);
                }

                events.Add(restore);
            }
            else
            {
                Reconcile();
            }

            ObservePower(now);
            if (_observed is { } observed)
            {
                _observed = null;
                events.Add(observed);
            }

            return events;
        }
    }

    /// <summary>
    /// Power observed down: the shed GPUs' power reading (<see cref="IGpuDevice.PowerReading"/>: NVML's instant
    /// field where the GPU has it) shows 95 % of the power shed given up (full activation, as a prequalification
    /// test reads a power step), or each within 2 W of what it was told. Timed when the reading showed it.
    /// </summary>
    private void ObservePower(DateTimeOffset now)
    {
        if (_pendingObservation is not { } pending
            || _observe.Gpus.Sum(id => _byId[id].Read().Power.Watts)
                > _observe.TargetW + Math.Max(0.05 * _observe.ShedW, SettledToleranceW * Math.Max(1, _observe.Gpus.Length)))
        {
            return;
        }

        var observed = pending with { PowerObservedAt = now };
        _pendingObservation = null;
        _observed = observed;
        StopWatchingPower();
        var downMs = observed.PowerDownSeconds!.Value * 1000;
        if (observed.MetDeadline == true)
        {
            Log.PowerObservedDown(_logger, Node, downMs, observed.DeadlineSeconds, observed.PowerReading ?? "?", observed.PowerReadingWindowMs ?? 0, observed.CommandMs);
        }
        else
        {
            Log.PowerDownLate(_logger, Node, downMs, observed.DeadlineSeconds, observed.PowerReading ?? "?", observed.PowerReadingWindowMs ?? 0, observed.CommandMs);
        }
    }

    /// <summary>Reads the shed GPUs every <see cref="ObservePeriod"/> until their power is seen down (or for <see cref="ObserveFor"/>).</summary>
    private void WatchPower(DateTimeOffset from)
    {
        _observeUntil = from + ObserveFor;
        if (_observeTimer is null)
        {
            _observeTimer = _time.CreateTimer(_ => OnWatchPower(), null, ObservePeriod, ObservePeriod);
        }
        else
        {
            _observeTimer.Change(ObservePeriod, ObservePeriod);
        }
    }

    private void OnWatchPower()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            ObservePower(now);
            if (now >= _observeUntil)
            {
                StopWatchingPower();
            }
        }
    }

    private void StopWatchingPower()
    {
        _observeTimer?.Dispose();
        _observeTimer = null;
    }

    /// <summary>The coarsest power reading among these GPUs: the evidence is as late as its slowest reading.</summary>
    private GpuPowerReading ReadingOf(IEnumerable<string> gpus) =>
        gpus.Select(id => _byId[id].PowerReading).MaxBy(r => r.Window) ?? GpuPowerReading.Unstated;

    public AgentTelemetry Telemetry()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var gpus = new List<GpuTelemetry>(_gpus.Length);
            foreach (var gpu in _gpus)
            {
                var s = gpu.Read();
                var c = _commanded[gpu.Id];
                gpus.Add(new GpuTelemetry(
                    gpu.Id, gpu.Pool, c.Workload, Finite(c.Watts), Finite(Math.Max(c.Watts, WantedW(gpu))), Finite(s.Power.Watts), Finite(s.AveragePower.Watts),
                    Finite(s.EnergyCounter.Joules), Finite(s.Temperature.Celsius), Finite(gpu.Throughput),
                    _shed.Contains(gpu.Id) ? AgentState.Shedding : c.Workload is null ? "idle" : "running"));
            }

            return new AgentTelemetry(AgentJson.Version, Node, now, _epoch, _seq, StateLocked, _capShare,
                _commanded.Values.Sum(c => c.Watts), gpus, Warnings(now));
        }
    }

    public AgentHeartbeat Heartbeat(bool online, string backend, TimeSpan deadman)
    {
        lock (_lock)
        {
            return new AgentHeartbeat(AgentJson.Version, Node, online, _time.GetUtcNow(), backend, deadman.TotalSeconds, _epoch,
                [.. _gpus.Select(g => new GpuInventoryItem(g.Id, g.Pool, g.Model, _ranges[g.Id].Min.Watts, _ranges[g.Id].Idle.Watts, _ranges[g.Id].Max.Watts))],
                _startedAt);
        }
    }

    private static double Finite(double value) => double.IsFinite(value) ? Math.Round(value, 3) : 0;

    private string? Check(AssignmentBatch batch, DateTimeOffset now)
    {
        if (batch.V != AgentJson.Version)
        {
            return $"schema version {batch.V} is not supported";
        }

        if (!string.Equals(batch.Node, Node, StringComparison.Ordinal))
        {
            return $"batch for node '{batch.Node}' reached node '{Node}'";
        }

        if (batch.Epoch < _epoch)
        {
            return AssignmentAck.OlderRefusal("controller epoch", batch.Epoch, _epoch);
        }

        if (batch.Epoch == _epoch && batch.Seq <= _seq)
        {
            return batch.Seq == _seq ? "duplicate" : AssignmentAck.OlderRefusal("sequence", batch.Seq, _seq);
        }

        if (now - batch.SentAt > AssignmentBatch.MaxAge)
        {
            return $"sent {(now - batch.SentAt).TotalSeconds:F1} s ago, more than {AssignmentBatch.MaxAge.TotalSeconds:F0} s";
        }

        if (batch.ValidUntil <= now)
        {
            return $"expired at {batch.ValidUntil:o}";
        }

        if (!double.IsFinite(batch.CapShareW) || batch.CapShareW < 0)
        {
            return $"cap share {batch.CapShareW} W is not a power";
        }

        // Even at the lowest cooling of its pools, this share would draw more than the whole site may import.
        if (_options.Site is { } site && batch.CapShareW * _minGridFactor > site.Grid.ImportCap.Watts + ShareToleranceW)
        {
            return SiteFileRefusal.Because(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"cap share {batch.CapShareW / 1000:0.###} kW ({batch.CapShareW * _minGridFactor / 1000:0.###} kW from the grid with cooling) is above the site's import cap of {site.Grid.ImportCap.Kilowatts:0.###} kW"));
        }

        return null;
    }

    private AssignmentAck Ack(long epoch, long seq, DateTimeOffset now, string? refusal, IReadOnlyList<RefusedCommand> refused) =>
        new(AgentJson.Version, Node, epoch, seq, now, _commanded.Values.Sum(c => c.Watts), _heldW, refusal, refused);

    /// <summary>Which GPUs to shed for a fraction of the sheddable power: whole GPUs, first in shed order, largest first.</summary>
    private void ChooseShed(double fraction)
    {
        var candidates = _gpus
            .Select(g => (Gpu: g, Rank: RankOf(g.Id), Above: _commanded[g.Id].Watts - g.IdlePower.Watts))
            .Where(c => c.Rank is not null && c.Above > 0 && !_shed.Contains(c.Gpu.Id))
            .OrderBy(c => c.Rank).ThenByDescending(c => c.Above).ThenBy(c => c.Gpu.Id, StringComparer.Ordinal)
            .ToList();
        var goal = fraction * candidates.Sum(c => c.Above);
        var shed = 0.0;
        foreach (var c in candidates)
        {
            if (shed >= goal - ShareToleranceW)
            {
                break;
            }

            _shed.Add(c.Gpu.Id);
            shed += c.Above;
        }
    }

    private int? RankOf(string gpu)
    {
        return _wanted.TryGetValue(gpu, out var w) && w.Workload is not null && w.Shed is { } step
            ? ShedSteps.RankIn(_options.ShedOrder, step)
            : null;
    }

    /// <summary>Brings the GPUs towards what is wanted: every decrease now, increases only within the cap share. Returns GPUs commanded.</summary>
    private int Reconcile()
    {
        var changed = 0;
        var increases = new List<(IGpuDevice Gpu, Command To)>();
        foreach (var gpu in _gpus)
        {
            var to = Desired(gpu);
            var from = _commanded[gpu.Id];
            if (to == from)
            {
                continue;
            }

            if (to.Watts <= from.Watts)
            {
                _fallingFrom[gpu.Id] = Math.Max(from.Watts, _fallingFrom.GetValueOrDefault(gpu.Id));
                Send(gpu, to);
                changed++;
            }
            else
            {
                increases.Add((gpu, to));
            }
        }

        _heldW = 0;
        if (increases.Count == 0)
        {
            SettleFalling();
            return changed;
        }

        // Increases: what the GPUs are told, a GPU still coming down counted at what it still draws; within the
        // share, and with the pools' cooling never above the site's import cap, whatever the share says.
        var (counted, countedGrid) = CountedW();
        foreach (var (gpu, to) in increases.OrderByDescending(i => RankOf(i.Gpu.Id) ?? int.MaxValue))
        {
            var delta = to.Watts - _commanded[gpu.Id].Watts;
            var deltaGrid = delta * GridFactor(gpu);
            if (counted + delta <= _capShare + ShareToleranceW && countedGrid + deltaGrid <= _gridCapW + ShareToleranceW)
            {
                Send(gpu, to);
                counted += delta;
                countedGrid += deltaGrid;
                changed++;
            }
            else
            {
                _heldW += delta;
            }
        }

        return changed;
    }

    /// <summary>Where the GPU would go by itself once room or the grid allows: the batch's command (not shed, not held).</summary>
    private double WantedW(IGpuDevice gpu) =>
        _safe || !_wanted.TryGetValue(gpu.Id, out var w) ? gpu.IdlePower.Watts : _ranges[gpu.Id].HoldsWatts(w.Workload, w.TargetW);

    private Command Desired(IGpuDevice gpu)
    {
        if (_safe || _shed.Contains(gpu.Id) || !_wanted.TryGetValue(gpu.Id, out var w) || w.Workload is null)
        {
            var current = _commanded[gpu.Id];
            return _safe && _options.SafeState == SafeState.MinimumPower && current.Workload is not null && !_shed.Contains(gpu.Id)
                ? new Command(current.Workload, _ranges[gpu.Id].Min.Watts)
                : new Command(null, gpu.IdlePower.Watts);
        }

        var wanted = new Command(w.Workload, _ranges[gpu.Id].HoldsWatts(w.Workload, w.TargetW));

        // While shedding, sheddable work does not come back elsewhere: no such GPU goes up until the grid has recovered.
        var now = _commanded[gpu.Id];
        return _stage is not null && RankOf(gpu.Id) is not null && wanted.Watts > now.Watts ? now : wanted;
    }

    private void Send(IGpuDevice gpu, Command to)
    {
        gpu.Apply(to.Workload, Contracts.Units.Power.FromWatts(to.Watts));
        _commanded[gpu.Id] = to;
    }

    private double GridFactor(IGpuDevice gpu) => _pools[gpu.Id]?.GridFactor ?? 1;

    /// <summary>What the GPUs count at for increases: GPU watts, and grid watts with their pools' cooling.</summary>
    private (double Gpu, double Grid) CountedW()
    {
        var total = 0.0;
        var grid = 0.0;
        foreach (var gpu in _gpus)
        {
            var told = _commanded[gpu.Id].Watts;
            if (_fallingFrom.TryGetValue(gpu.Id, out var from))
            {
                var drawn = gpu.Read().Power.Watts;
                if (drawn <= told + SettledToleranceW)
                {
                    _fallingFrom.Remove(gpu.Id);
                }
                else
                {
                    told = Math.Max(told, Math.Min(drawn, from));
                }
            }

            total += told;
            grid += told * GridFactor(gpu);
        }

        return (total, grid);
    }

    private void SettleFalling()
    {
        if (_fallingFrom.Count == 0)
        {
            return;
        }

        foreach (var id in _fallingFrom.Keys.ToList())
        {
            if (_byId[id].Read().Power.Watts <= _commanded[id].Watts + SettledToleranceW)
            {
                _fallingFrom.Remove(id);
            }
        }
    }

    /// <summary>Each agent's own place in the restore window (FNV-1a of its name), so a site comes back spread out.</summary>
    private static TimeSpan StaggerOffset(string node, TimeSpan window)
    {
        if (window <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var hash = 2166136261u;
        foreach (var ch in node)
        {
            hash = unchecked((hash ^ ch) * 16777619u);
        }

        return TimeSpan.FromTicks((long)(hash % (ulong)window.Ticks));
    }

    private readonly record struct Command(string? Workload, double Watts);
}
