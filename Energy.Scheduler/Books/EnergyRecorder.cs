using System.Globalization;
using System.Text.Json;
using Energy.Contracts.Prices;
using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Ha;
using Energy.Scheduler.Planning;
using Energy.Telemetry.Health;
using Energy.Telemetry.Signals;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Books;

/// <summary>
/// Keeps the energy ledger: at every control tick it books the fleet's energy counters as the control loop read them
/// (<see cref="FleetSamples"/>: the same readings as <c>/api/status</c>; it reads the fleet itself where no control
/// loop publishes for <see cref="FallbackAfter"/>), the meters' registers and the plan's slot and prices into the
/// <see cref="LedgerBook"/>, writes each slot once when it ends, and checkpoints the slot in progress every
/// <see cref="CheckpointEvery"/> so that a killed process resumes it (<see cref="StartAsync"/>): a restart neither
/// loses nor doubles a slot, and the downtime is a flagged gap bridged by the counters. As an <see cref="ILedgerReader"/>
/// it answers with the slot in progress as of the last tick, not the checkpoint's.
/// <para>
/// With <c>--ha</c> (an <see cref="ILeadership"/>) only the leader books: a standby drops the samples it sees and reads the
/// leader's books from the shared ledger. When it comes to lead it resumes the old leader's checkpoint as a restart would
/// (the time between is a gap bridged by the counters, flagged), and when it stops leading it forgets what it held: the
/// new leader goes on from the last checkpoint written, so nothing is counted twice. The store refuses a deposed
/// leader's late writes (<see cref="Ha.PgLedgerStore"/>).
/// </para>
/// </summary>
public sealed class EnergyRecorder : BackgroundService, ILedgerReader
{
    /// <summary>Held while the ledger cannot be written.</summary>
    public const string WriteAlarm = "ledger.write";

    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(5);

    /// <summary>Without a control loop's sample for this long the recorder reads the fleet itself.</summary>
    public static readonly TimeSpan FallbackAfter = TimeSpan.FromSeconds(2.5);

    private const char KeySeparator = '\u001f';

    private LedgerBook _book;
    private readonly ILedgerStore _store;
    private readonly IAgentLink _agents;
    private readonly SignalRegistry _signals;
    private readonly CurrentPlan _plan;
    private readonly GridLimit? _limit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Alarms? _alarms;
    private readonly LedgerSignals _names;
    private readonly MiningValueSource? _mining;
    private readonly FleetSamples? _samples;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<LedgerSlot> _unwritten = [];
    private (DateTimeOffset Start, IReadOnlyDictionary<string, double>? Values) _miningSlot;
    private DateTimeOffset _savedAt = DateTimeOffset.MinValue;
    private DateTimeOffset? _checkpointAt;
    private string? _lastError;
    private bool _resumed;
    private volatile bool _booking;
    private int _term;
    private int _resumedTerm;

    public EnergyRecorder(Site site, ILedgerStore store, IAgentLink agents, SignalRegistry signals, CurrentPlan plan, TimeProvider time,
        GridLimit? limit = null, ILogger<EnergyRecorder>? logger = null, Alarms? alarms = null, LedgerSignals? names = null, FleetSamples? samples = null,
        ILeadership? leadership = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        _book = new LedgerBook(site);
        (_store, _agents, _signals, _plan, _time, _limit, _alarms, _samples) = (store, agents, signals, plan, time, limit, alarms, samples);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _names = names ?? LedgerSignals.Default;
        _booking = leadership is null || leadership.Role == ControllerRole.Leader;
        if (leadership is not null)
        {
            leadership.Leading += _ =>
            {
                Interlocked.Increment(ref _term);   // a new term: resumed from the shared checkpoint at the next sample
                _booking = true;
            };
            leadership.SteppedDown += _ => _booking = false;
        }

        if (site.Workloads.OfType<MiningWorkload>().Any(m => m.ValueSeries is not null || m.EarnsNothing))
        {
            _mining = new MiningValueSource(site, time, _logger);
        }
    }

    public LedgerBook Book => _book;

    /// <summary>False while a standby (<c>--ha</c>): the leader keeps the books.</summary>
    public bool Booking => _booking;

    public LedgerStatus Status => new(_store.Path, _store.SlotCount(), _book.State?.Slot.Start, _checkpointAt, _lastError);

    public LedgerInfo? Info => _store.Info;

    /// <summary>The proof-of-useful-work tickets: written at once by <see cref="Pouw.PouwBooks"/>, nothing pending.</summary>
    public IReadOnlyList<PouwLedgerEntry> ReadPouw(DateTimeOffset since, DateTimeOffset until) => _store.ReadPouw(since, until);

    /// <summary>
    /// The written slots, those closed but not yet written (a failing disk), and the slot in progress as of the last tick
    /// (a standby's: the leader's last checkpoint).
    /// </summary>
    public IReadOnlyList<LedgerSlot> Read(DateTimeOffset since, DateTimeOffset until)
    {
        List<LedgerSlot> pending;
        bool inProgress;
        _gate.Wait();
        try
        {
            pending = [.. _unwritten];
            inProgress = _book.Current is not null;
            if (_book.Current is { } current)
            {
                pending.Add(current);
            }
        }
        finally
        {
            _gate.Release();
        }

        // The slot in progress as of this recorder's last tick; a standby (--ha) has none and shows the leader's checkpoint.
        var slots = _store.Read(since, until).Where(s => s.Closed || !inProgress).ToList();
        foreach (var slot in pending.Where(p => p.Start >= since && p.Start < until))
        {
            if (!slots.Any(s => s.Start == slot.Start))
            {
                slots.Add(slot);
            }
        }

        slots.Sort((a, b) => a.Start.CompareTo(b.Start));
        return slots;
    }

    /// <summary>Resumes from the checkpoint (closing a slot that ended while HeatGrid was down), then records every second.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ResumeAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Books what is left and checkpoints it, so that a clean stop loses nothing of the slot in progress: the control
    /// loop's last samples where it publishes them (the ledger then ends on the last status), else a last reading.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            if (_samples is not null && _samples.Published > 0)
            {
                await RecordQueuedAsync(cancellationToken, forceCheckpoint: true);
            }
            else
            {
                await TickAsync(cancellationToken, forceCheckpoint: true);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Stopping: the last checkpoint (a few seconds old) stands; what a final tick would add comes from the counters at the next start.
            Fail(e);
        }
    }

    /// <summary>
    /// Resumes the checkpointed slot; done once, by <see cref="StartAsync"/> or the first tick (with <c>--ha</c>: once per
    /// term as leader, and not while standby). Until the checkpoint could be read nothing is booked, so a ledger that cannot
    /// be read now is not overwritten by a fresh slot.
    /// </summary>
    public async Task ResumeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var term = Volatile.Read(ref _term);
            if ((_resumed && _resumedTerm == term) || !_booking)
            {
                return;
            }

            if (_resumed)
            {
                Forget();   // led before, stood by, leads again: what the last term held is stale
            }

            var now = _time.GetUtcNow();
            var site = _book.Site;
            Log.LedgerOpened(_logger, _store.Path, _store.SchemaVersion, _store.MigrationsRun, _store.SlotCount());
            _store.WriteInfo(new LedgerInfo(site.Name, site.TimeZone.Id, site.Currency.Code));
            LedgerCheckpoint? checkpoint;
            try
            {
                checkpoint = _store.ReadCheckpoint();
            }
            catch (JsonException e)
            {
                Log.LedgerCheckpointUnreadable(_logger, e.Message);
                checkpoint = null;
            }

            (_resumed, _resumedTerm) = (true, term);
            if (checkpoint is not null)
            {
                Log.LedgerResumed(_logger, checkpoint.Slot.Start, checkpoint.LastTick, checkpoint.LastTick is { } t ? (now - t).TotalSeconds : 0);
                _unwritten.AddRange(_book.Resume(checkpoint, now));
                Save(now, force: true);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One tick: reads, adds, closes a slot that ended, checkpoints when due. Used by the loop and directly by tests.</summary>
    public async Task TickAsync(CancellationToken cancellationToken, bool forceCheckpoint = false)
    {
        if (!Resumed)
        {
            await ResumeAsync(cancellationToken);
        }

        var fleet = await _agents.ReadAsync(cancellationToken);
        await RecordAsync([new FleetSample(_time.GetUtcNow(), fleet)], forceCheckpoint, cancellationToken);
    }

    /// <summary>Books the control loop's samples queued so far (oldest first); returns how many.</summary>
    public async Task<int> RecordQueuedAsync(CancellationToken cancellationToken, bool forceCheckpoint = false)
    {
        if (_samples is null)
        {
            return 0;
        }

        if (!Resumed)
        {
            await ResumeAsync(cancellationToken);
        }

        var queued = new List<FleetSample>();
        while (_samples.Reader.TryRead(out var sample))
        {
            queued.Add(sample);
        }

        await RecordAsync(queued, forceCheckpoint, cancellationToken);
        return queued.Count;
    }

    private async Task RecordAsync(IReadOnlyList<FleetSample> samples, bool forceCheckpoint, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_booking)
            {
                Forget();
                return;
            }

            if (!Resumed)
            {
                return;   // the checkpoint could not be read yet (the loop reports why): nothing is booked over it
            }

            foreach (var sample in samples)
            {
                if (_book.State?.LastTick is { } last && sample.At <= last)
                {
                    continue;   // older than what is booked (a fallback reading overtook it): its energy is in the later reading
                }

                _unwritten.AddRange(_book.Tick(Read(sample.Gpus, sample.At)));
            }

            Save(_time.GetUtcNow(), forceCheckpoint);
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_samples is not null)
        {
            await FollowControlLoopAsync(_samples, stoppingToken);
            return;
        }

        using var timer = new PeriodicTimer(Period, _time);
        do
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Loop boundary: the books must not take the host down; what was not written stays in memory for the next tick.
                Fail(e);
            }
        }
        while (await timer.TickOrStopAsync(stoppingToken));
    }

    /// <summary>Books each control tick's sample as it comes; reads the fleet itself while none comes.</summary>
    private async Task FollowControlLoopAsync(FleetSamples samples, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(FallbackAfter);
                bool ready;
                try
                {
                    ready = await samples.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    ready = false;   // no control tick for a while: the books go on from the fleet itself
                }

                if (ready)
                {
                    await RecordQueuedAsync(stoppingToken);
                }
                else
                {
                    await TickAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Loop boundary: the books must not take the host down; what was not written stays in memory for the next tick.
                Fail(e);
                await Task.Delay(Period, _time, stoppingToken);
            }
        }
    }

    private bool Resumed => _resumed && _resumedTerm == Volatile.Read(ref _term);

    /// <summary>
    /// A standby books nothing; one that has just stopped leading drops its slot in progress and what it could not write
    /// (the new leader resumes from the last checkpoint written, and the counters carry the energy across).
    /// </summary>
    private void Forget()
    {
        if (!_resumed && _book.State is null && _unwritten.Count == 0)
        {
            return;
        }

        Log.LedgerHandedOver(_logger, _unwritten.Count, _book.State?.Slot.Start);
        _book = new LedgerBook(_book.Site);
        _unwritten.Clear();
        _resumed = false;
        if (_lastError is not null)
        {
            _lastError = null;
            _alarms?.Clear(WriteAlarm);
        }
    }

    private void Save(DateTimeOffset now, bool force)
    {
        if (!force && _unwritten.Count == 0 && now - _savedAt < CheckpointEvery)
        {
            return;
        }

        try
        {
            var written = _store.Commit(_unwritten, _book.State, _book.Current, now);
            foreach (var slot in _unwritten)
            {
                Log.LedgerSlotClosed(_logger, slot.Start, slot.Site.ImportKwh, slot.Site.ImportBasis.ToString(), slot.Site.GpuKwh,
                    slot.Site.ReconciliationGapKwh?.ToString("0.###", CultureInfo.InvariantCulture) ?? "unknown");
                if (slot.Estimated)
                {
                    Log.LedgerSlotEstimated(_logger, slot.Start, string.Join("; ", slot.EstimatedReasons));
                }
            }

            if (written < _unwritten.Count)
            {
                Log.LedgerSlotReplayed(_logger, _unwritten[0].Start);
            }

            _unwritten.Clear();
            (_savedAt, _checkpointAt) = (now, now);
            if (_lastError is not null)
            {
                _lastError = null;
                _alarms?.Clear(WriteAlarm);
                Log.LedgerWriteRecovered(_logger);
            }
        }
        catch (Exception e) when (e is SqliteException or LedgerWriteException or IOException or UnauthorizedAccessException)
        {
            Fail(e);
        }
    }

    private void Fail(Exception e)
    {
        if (_lastError is null)
        {
            Log.LedgerWriteFailed(_logger, e);
        }

        _lastError = e.Message;
        _alarms?.Hold(WriteAlarm, $"the energy ledger ({_store.Path}) cannot be written: {e.Message}; closed slots are kept in memory until it can", AlarmSeverity.Critical);
    }

    private LedgerTick Read(IReadOnlyList<FleetGpu> fleet, DateTimeOffset now)
    {
        var site = _book.Site;
        var (start, end, spot, allIn) = _plan.Plan?.SlotAt(now) is { } slot
            ? (slot.Start, slot.Start + slot.Length, (double?)slot.SpotPrice.PerMegawattHour, (double?)slot.ImportCost.PerMegawattHour)
            : (Hour(now), Hour(now).AddHours(1), null, null);
        var gpus = fleet.Select(g => new LedgerGpuReading(g.State.GpuId, g.State.Pool, g.State.Workload,
            g.Online && g.Reported is not null ? g.State.EnergyCounter.KilowattHours : null)).ToList();
        var loops = site.HeatLoops.ToDictionary(l => l.Name, l => new LedgerLoopReading(
            Meter(_names.HeatEnergyKwh(l.Name), _names.HeatPowerKw(l.Name), now),
            Power(_names.SupplyTemperatureC(l.Name), now), Power(_names.BoilerKw(l.Name), now), Power(_names.DumpedKw(l.Name), now)), StringComparer.Ordinal);
        var curtailments = _limit?.Active(now).Select(c => c.Id).ToList() ?? [];
        return new LedgerTick(now, start, end, spot, allIn, gpus, Meter(_names.ImportEnergyKwh, _names.ImportPowerKw, now), loops, curtailments)
        {
            MiningValues = MiningValues(start, end, spot),
        };
    }

    private IReadOnlyDictionary<string, double>? MiningValues(DateTimeOffset start, DateTimeOffset end, double? spot)
    {
        if (_mining is null || spot is not { } price)
        {
            return null;
        }

        if (_miningSlot.Start != start)
        {
            var curve = new PriceCurve(start, end - start, [EnergyPrice.PerMwh(price, _book.Site.Currency)]);
            _miningSlot = (start, _mining.For(curve)?.ToDictionary(kv => kv.Key.Workload + KeySeparator + kv.Key.Pool, kv => kv.Value[0], StringComparer.Ordinal));
        }

        return _miningSlot.Values;
    }

    private LedgerMeterReading Meter(string register, string power, DateTimeOffset now) =>
        new(register, Register(register, now), power, Power(power, now));

    /// <summary>A register is used whatever its age while it is Good: a meter module may refresh it only every few minutes.</summary>
    private LedgerValue Register(string signal, DateTimeOffset now) => _signals.Current(signal, now) switch
    {
        null => LedgerValue.Missing("is not measured"),
        { IsGood: true } r => LedgerValue.Good(r.Value),
        var r => LedgerValue.Missing(Why(r)),
    };

    private LedgerValue Power(string signal, DateTimeOffset now) =>
        _signals.GoodValue(signal, now, _names.MaxPowerAge) is { } v ? LedgerValue.Good(v)
        : _signals.Current(signal, now) is { } r ? LedgerValue.Missing(r.IsGood ? $"is {(now - r.Timestamp).TotalSeconds:0} s old" : Why(r))
        : LedgerValue.Missing("is not measured");

    private static string Why(Reading r) => $"was {r.Quality.ToString().ToLowerInvariant()} ({r.Reason ?? "no reason given"})";

    private static DateTimeOffset Hour(DateTimeOffset t) => new(t.UtcDateTime.Year, t.UtcDateTime.Month, t.UtcDateTime.Day, t.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
}
