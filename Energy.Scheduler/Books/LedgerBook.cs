using System.Globalization;
using Energy.Contracts.Sites;

namespace Energy.Scheduler.Books;

/// <summary>
/// The energy ledger's arithmetic, without storage or clock: each tick's readings are added to the slot in
/// progress (energy from counter differences, attributed to the workload each GPU ran at the tick), and a
/// slot is closed when a tick falls past its end. Pure given its inputs; not thread-safe (one recorder).
/// </summary>
public sealed class LedgerBook(Site site)
{
    /// <summary>Ticks further apart than this leave a gap: the time between is not covered (only counters bridge it).</summary>
    public static readonly TimeSpan GapAfter = TimeSpan.FromSeconds(3.5);

    /// <summary>Placeholders written at most for this many missed slots after a long stop (a month of 15-minute slots).</summary>
    public const int MaxPlaceholders = 31 * 96;

    private const char KeySeparator = '\u001f';

    private readonly Dictionary<string, GpuPool> _pools = site.Pools.ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>The slot in progress and the counters' last readings; null before the first tick.</summary>
    public LedgerCheckpoint? State { get; private set; }

    private bool _restarted;

    public Site Site => site;

    /// <summary>
    /// Continues from a checkpoint after a restart. A slot already over at <paramref name="now"/> is closed with what it
    /// has (returned, to be written); the counters go on either way, so the downtime's energy is their difference.
    /// </summary>
    public IReadOnlyList<LedgerSlot> Resume(LedgerCheckpoint checkpoint, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        State = checkpoint;
        _restarted = true;   // the next tick bridges the downtime, however short: a gap
        var stopped = checkpoint.LastTick ?? checkpoint.Slot.Start;
        if (now <= checkpoint.Slot.End)
        {
            return [];
        }

        checkpoint.Slot.Flag(string.Create(CultureInfo.InvariantCulture,
            $"HeatGrid stopped at {stopped:yyyy-MM-ddTHH:mm:ssZ} and was not running at the slot's end: closed with what it had when restarted at {now:yyyy-MM-ddTHH:mm:ssZ}"));
        return [Close(checkpoint.Slot)];
    }

    /// <summary>
    /// Adds one tick; returns the slots it closed (oldest first), to be written before the next checkpoint. A tick's
    /// readings cover the time since the last one: a tick at a slot's end still belongs to it, and the first tick past
    /// the end opens the next slot with the second (at most) that straddles the boundary.
    /// </summary>
    public IReadOnlyList<LedgerSlot> Tick(LedgerTick tick)
    {
        ArgumentNullException.ThrowIfNull(tick);
        var closed = new List<LedgerSlot>();
        if (State is null)
        {
            State = new LedgerCheckpoint { Slot = NewSlot(tick.SlotStart, tick.SlotEnd, tick) };
        }
        else if (tick.Now > State.Slot.End)
        {
            var previous = State.Slot;
            var length = previous.End - previous.Start;
            if (!previous.Closed)
            {
                closed.Add(Close(previous));
            }

            closed.AddRange(Placeholders(previous.End, tick.SlotStart, length));
            var next = closed.Count > 0 ? closed[^1].End : previous.End;
            State.Slot = NewSlot(next, tick.SlotEnd > next ? tick.SlotEnd : next + length, tick);
        }

        Apply(State, tick);
        State.LastTick = tick.Now;
        return closed;
    }

    /// <summary>The slot in progress as it stands; null before the first tick.</summary>
    public LedgerSlot? Current => State is { } s ? Render(s.Slot, closed: false) : null;

    /// <summary>The ledger's view of a slot's accumulators: its figures, lines and reasons.</summary>
    public LedgerSlot Render(LedgerOpenSlot slot, bool closed)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var gpuKwh = slot.Gpus.Values.Sum(g => g.Kwh);
        var coolingKwh = slot.Gpus.Values.Sum(g => g.Kwh * (_pools.TryGetValue(g.Pool, out var p) ? p.CoolingOverhead : 0));
        var baseKwh = site.Grid.BaseLoad.Kilowatts * slot.CoveredSeconds / 3600;
        var import = slot.Import.TotalKwh;
        var basis = slot.Import.Basis;
        double? metered = basis == EnergyBasis.Model ? null : import;
        var allIn = slot.AllInPricePerMwh;
        var reasons = slot.Reasons.Values.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Text} ({r.Seconds:0} s)")).ToList();
        if (allIn is null && slot.CoveredSeconds > 0)
        {
            reasons.Add("no day-ahead price was known for the slot: energy cost and mining value not counted");
        }

        var site_ = new SiteLedgerLine(import, basis, metered, gpuKwh + coolingKwh + baseKwh, gpuKwh, coolingKwh, baseKwh,
            metered - (gpuKwh + coolingKwh + baseKwh), slot.SpotPricePerMwh, allIn, Cost(import, allIn), [.. slot.CurtailmentIds], slot.CurtailedSeconds)
        {
            ImportRegisterStartKwh = slot.Import.RegisterStartKwh,
            ImportRegisterEndKwh = slot.Import.RegisterEndKwh,
        };
        var gpus = slot.Gpus.Values.OrderBy(g => g.Gpu, StringComparer.Ordinal).ThenBy(g => g.Workload, StringComparer.Ordinal)
            .Select(g => new GpuLedgerLine(g.Gpu, g.Pool, g.Workload, g.Kwh, g.Seconds, g.CounterResets)).ToList();
        return new LedgerSlot(slot.Start, slot.End, closed, slot.CoveredSeconds, site_, Workloads(slot, allIn), gpus, Loops(slot))
        {
            EstimatedReasons = reasons,
            Flags = [.. slot.Flags],
        };
    }

    private List<WorkloadLedgerLine> Workloads(LedgerOpenSlot slot, double? allIn)
    {
        var lines = new List<WorkloadLedgerLine>();
        var byWorkload = slot.Gpus.Values.ToLookup(g => g.Workload ?? "", StringComparer.Ordinal);
        foreach (var w in site.Workloads)
        {
            var gpus = byWorkload[w.Name].ToList();
            var kwh = gpus.Sum(g => g.Kwh);
            var grid = gpus.Sum(g => GridKwh(g));
            var hours = gpus.Sum(g => g.Seconds) / 3600;
            var sla = slot.Sla.GetValueOrDefault(w.Name);
            var revenue = w switch
            {
                InferenceWorkload i => hours * i.PricePerGpuHour.Amount,
                MiningWorkload m when allIn is not null && !m.EarnsNothing => gpus.Sum(g => g.Kwh / 1000
                    * (slot.MiningValues.TryGetValue(w.Name + KeySeparator + g.Pool, out var v) ? v : m.ValuePerMwh.PerMegawattHour)),
                _ => 0,
            };
            lines.Add(new WorkloadLedgerLine(w.Name, w.Kind.ToString().ToLowerInvariant(), (w as InferenceWorkload)?.Tenant, kwh, grid, hours,
                (sla?.OwedGpuSeconds ?? 0) / 60, (sla?.DeliveredGpuSeconds ?? 0) / 60, revenue, Cost(grid, allIn)));
        }

        var idle = byWorkload[""].ToList();
        if (idle.Count > 0)
        {
            var grid = idle.Sum(g => GridKwh(g));
            lines.Add(new WorkloadLedgerLine("idle", "idle", null, idle.Sum(g => g.Kwh), grid, idle.Sum(g => g.Seconds) / 3600, 0, 0, 0, Cost(grid, allIn)));
        }

        return lines;
    }

    private List<HeatLoopLedgerLine> Loops(LedgerOpenSlot slot) => [.. site.HeatLoops.Select(loop =>
    {
        var a = slot.Loops.GetValueOrDefault(loop.Name) ?? new LedgerLoopAccumulator();
        var delivered = a.Delivered.TotalKwh;
        var fuel = loop.Boiler is { } b ? a.BoilerKwh / 1000 * b.HeatCost.PerMegawattHour : 0;
        return new HeatLoopLedgerLine(loop.Name, loop.Consumer.Name, delivered, a.Delivered.Basis == EnergyBasis.Model ? EnergyBasis.Integrated : a.Delivered.Basis,
            a.SupplyKwh > 0 ? a.SupplyKwhC / a.SupplyKwh : null, loop.Consumer.SupplyTemperature.Celsius, a.SecondsBelowContract,
            delivered / 1000 * loop.HeatPrice.PerMegawattHour, a.BoilerKwh, fuel, a.DumpedKwh)
        {
            RegisterStartKwh = a.Delivered.RegisterStartKwh,
            RegisterEndKwh = a.Delivered.RegisterEndKwh,
        };
    })];

    private double GridKwh(LedgerGpuAccumulator g) => g.Kwh * (_pools.TryGetValue(g.Pool, out var p) ? p.GridFactor : 1);

    private static double Cost(double kwh, double? pricePerMwh) => pricePerMwh is { } p ? kwh / 1000 * p : 0;

    private LedgerSlot Close(LedgerOpenSlot slot)
    {
        slot.Closed = true;
        // What was estimated since a register's last reading stays booked in this slot: the next reading's difference is reduced by it.
        foreach (var r in State!.Registers.Values)
        {
            r.EstimatedBefore += r.IntegratedHere + r.ModelHere;
            (r.IntegratedHere, r.ModelHere, r.BadSecondsHere) = (0, 0, 0);
        }

        return Render(slot, closed: true);
    }

    private IEnumerable<LedgerSlot> Placeholders(DateTimeOffset from, DateTimeOffset until, TimeSpan length)
    {
        // Slots HeatGrid did not run in at all are written empty, so that the books have no hole; their energy is in the
        // next slot's counter differences (flagged there as a gap).
        var t = from;
        for (var n = 0; t < until && n < MaxPlaceholders && length > TimeSpan.Zero; n++)
        {
            var end = t + length <= until ? t + length : until;
            var empty = new LedgerOpenSlot { Start = t, End = end };
            empty.Flag("not observed: HeatGrid was not running in this slot");
            yield return Render(empty, closed: true);
            t = end;
        }
    }

    private static LedgerOpenSlot NewSlot(DateTimeOffset start, DateTimeOffset end, LedgerTick tick)
    {
        var slot = new LedgerOpenSlot { Start = start, End = end };
        if (tick.SlotStart == start)
        {
            (slot.SpotPricePerMwh, slot.AllInPricePerMwh) = (tick.SpotPricePerMwh, tick.AllInPricePerMwh);
        }

        return slot;
    }

    private void Apply(LedgerCheckpoint state, LedgerTick tick)
    {
        var slot = state.Slot;
        var now = tick.Now;
        var dt = state.LastTick is { } last ? Math.Max(0, (now - last).TotalSeconds) : 0;
        var gap = dt > GapAfter.TotalSeconds || (_restarted && state.LastTick is not null);
        _restarted = false;
        var observed = gap ? 0 : Math.Max(0, Math.Min(dt, (now - slot.Start).TotalSeconds));
        if (gap)
        {
            slot.Flag(string.Create(CultureInfo.InvariantCulture,
                $"gap: no readings from {state.LastTick:yyyy-MM-ddTHH:mm:ssZ} to {now:yyyy-MM-ddTHH:mm:ssZ} ({dt:0} s): not covered; energy over it from the counters' difference where they went on"));
        }

        slot.CoveredSeconds += observed;
        if (slot.AllInPricePerMwh is null && tick.SlotStart == slot.Start && tick.AllInPricePerMwh is not null)
        {
            (slot.SpotPricePerMwh, slot.AllInPricePerMwh) = (tick.SpotPricePerMwh, tick.AllInPricePerMwh);
        }

        if (slot.MiningValues.Count == 0 && tick.MiningValues is { Count: > 0 } values && tick.SlotStart == slot.Start)
        {
            slot.MiningValues = new Dictionary<string, double>(values, StringComparer.Ordinal);
        }

        var gpuGridKwh = Gpus(state, tick, observed, out var serving);
        foreach (var w in site.Workloads.OfType<InferenceWorkload>())
        {
            var sla = slot.Sla.TryGetValue(w.Name, out var s) ? s : slot.Sla[w.Name] = new LedgerSlaAccumulator();
            sla.OwedGpuSeconds += w.SlaMinGpus * observed;
            sla.DeliveredGpuSeconds += Math.Min(serving.GetValueOrDefault(w.Name), w.SlaMinGpus) * observed;
        }

        var modelKwh = gpuGridKwh + (site.Grid.BaseLoad.Kilowatts * observed / 3600);
        Register(state, slot.Import, tick.Import, now, observed, modelKwh, "site import");
        foreach (var loop in site.HeatLoops)
        {
            if (!tick.Loops.TryGetValue(loop.Name, out var reading))
            {
                slot.Estimate("loop:" + loop.Name, $"loop {loop.Name}: no readings", observed);
                continue;
            }

            Loop(state, loop, reading, now, observed);
        }

        if (tick.CurtailmentIds.Count > 0)
        {
            slot.CurtailedSeconds += observed;
            foreach (var id in tick.CurtailmentIds.Where(id => !slot.CurtailmentIds.Contains(id, StringComparer.Ordinal)))
            {
                slot.CurtailmentIds.Add(id);
            }
        }
    }

    /// <summary>Adds each GPU's counter difference to its line for the workload it runs; returns the GPUs' grid energy (with cooling) of this tick.</summary>
    private double Gpus(LedgerCheckpoint state, LedgerTick tick, double observed, out Dictionary<string, int> serving)
    {
        serving = new Dictionary<string, int>(StringComparer.Ordinal);
        var resets = new List<string>();
        var gridKwh = 0.0;
        foreach (var g in tick.Gpus)
        {
            if (g.CounterKwh is not { } value || !double.IsFinite(value))
            {
                continue;   // offline or not reported: its counter's difference at the next reading covers the time between
            }

            var kwh = 0.0;
            var reset = false;
            if (state.GpuCounters.TryGetValue(g.Gpu, out var last))
            {
                (kwh, reset) = CounterStep.Between(last, value);
            }

            state.GpuCounters[g.Gpu] = value;
            var key = g.Gpu + KeySeparator + g.Workload;
            if (!state.Slot.Gpus.TryGetValue(key, out var line))
            {
                state.Slot.Gpus[key] = line = new LedgerGpuAccumulator { Gpu = g.Gpu, Pool = g.Pool, Workload = g.Workload };
            }

            line.Kwh += kwh;
            line.Seconds += observed;
            if (reset)
            {
                line.CounterResets++;
                resets.Add(g.Gpu);
            }

            gridKwh += GridKwh(new LedgerGpuAccumulator { Gpu = g.Gpu, Pool = g.Pool, Kwh = kwh });
            if (g.Workload is { } w)
            {
                serving[w] = serving.GetValueOrDefault(w) + 1;
            }
        }

        if (resets.Count > 0)
        {
            state.Slot.Flag(string.Create(CultureInfo.InvariantCulture,
                $"energy counters of {resets.Count} GPU(s) went back at {tick.Now:yyyy-MM-ddTHH:mm:ssZ} ({string.Join(", ", resets.Take(8))}{(resets.Count > 8 ? ", …" : "")}): reset, counted from their new values"));
        }

        return gridKwh;
    }

    private static void Loop(LedgerCheckpoint state, HeatLoop loop, LedgerLoopReading reading, DateTimeOffset now, double observed)
    {
        var slot = state.Slot;
        if (!slot.Loops.TryGetValue(loop.Name, out var a))
        {
            slot.Loops[loop.Name] = a = new LedgerLoopAccumulator();
        }

        var heat = Register(state, a.Delivered, reading.Heat, now, observed, modelKwh: null, $"heat delivered on {loop.Name}");
        var flows = heat > 0 || reading.Heat.PowerKw.Value > 0;
        if (flows && reading.SupplyTemperatureC.Value is { } supply)
        {
            a.SupplyKwhC += heat * supply;
            a.SupplyKwh += heat;
            if (supply < loop.Consumer.SupplyTemperature.Celsius)
            {
                a.SecondsBelowContract += observed;
            }
        }
        else if (flows)
        {
            slot.Estimate($"supply:{loop.Name}", $"supply temperature of {loop.Name} {reading.SupplyTemperatureC.Problem}: seconds below contract not counted", observed);
        }

        a.BoilerKwh += Integrate(slot, reading.BoilerKw, $"{loop.Name}.boilerKw", "boiler heat", observed);
        a.DumpedKwh += Integrate(slot, reading.DumpedKw, $"{loop.Name}.heatDumpedKw", "dumped heat", observed);
    }

    private static double Integrate(LedgerOpenSlot slot, LedgerValue kw, string signal, string what, double observed)
    {
        if (kw.Value is { } v)
        {
            return Math.Max(0, v) * observed / 3600;
        }

        if (observed > 0)
        {
            slot.Estimate(signal, $"{what}: {signal} {kw.Problem}: not counted", observed);
        }

        return 0;
    }

    /// <summary>
    /// One meter's energy this tick: its register's difference where Good; else its power integrated, else the model (import only),
    /// marked estimated. When the register is Good again, its difference since its last Good reading replaces what was estimated
    /// in between (less what earlier slots already booked), so that the slots sum to the register's difference.
    /// </summary>
    private static double Register(LedgerCheckpoint state, LedgerEnergyAccumulator acc, LedgerMeterReading m, DateTimeOffset now, double observed,
        double? modelKwh, string what)
    {
        var slot = state.Slot;
        if (!state.Registers.TryGetValue(m.RegisterSignal, out var st))
        {
            state.Registers[m.RegisterSignal] = st = new LedgerRegisterState();
        }

        var key = "register:" + m.RegisterSignal;
        if (m.Register.Value is { } value)
        {
            var booked = 0.0;
            if (st.Last is { } last)
            {
                var step = CounterStep.Between(last, value);
                if (step.Reset)
                {
                    slot.Flag(string.Create(CultureInfo.InvariantCulture,
                        $"{m.RegisterSignal} went back from {last:0.###} to {value:0.###} kWh at {now:yyyy-MM-ddTHH:mm:ssZ}: reset, counted from its new value"));
                }

                acc.IntegratedKwh -= st.IntegratedHere;
                acc.ModelKwh -= st.ModelHere;
                booked = step.Kwh - st.EstimatedBefore;
                if (booked < 0)
                {
                    slot.Flag(string.Create(CultureInfo.InvariantCulture,
                        $"{m.RegisterSignal}: the estimate booked in earlier slots was {-booked:0.###} kWh more than the register advanced; not taken back"));
                    booked = 0;
                }

                acc.CounterKwh += booked;
                if (st.BadSecondsHere > 0 && slot.Reasons.Remove(key))
                {
                    slot.Flag(string.Create(CultureInfo.InvariantCulture,
                        $"{m.RegisterSignal} was not Good for {st.BadSecondsHere:0} s; bridged by its difference when it came back"));
                }
            }

            acc.RegisterStartKwh ??= st.Last ?? value;
            acc.RegisterEndKwh = value;
            st.Last = value;
            (st.EstimatedBefore, st.IntegratedHere, st.ModelHere, st.BadSecondsHere) = (0, 0, 0, 0);
            return booked;
        }

        if (observed <= 0)
        {
            return 0;
        }

        st.BadSecondsHere += observed;
        if (m.PowerKw.Value is { } kw)
        {
            var e = Math.Max(0, kw) * observed / 3600;
            acc.IntegratedKwh += e;
            st.IntegratedHere += st.Last is null ? 0 : e;
            slot.Estimate(key, $"{what}: {m.RegisterSignal} {m.Register.Problem}: integrated from {m.PowerSignal}", observed);
            return e;
        }

        if (modelKwh is { } model)
        {
            acc.ModelKwh += model;
            st.ModelHere += st.Last is null ? 0 : model;
            slot.Estimate(key, $"{what}: {m.RegisterSignal} {m.Register.Problem} and {m.PowerSignal} {m.PowerKw.Problem}: HeatGrid's model", observed);
            return model;
        }

        slot.Estimate(key, $"{what}: {m.RegisterSignal} {m.Register.Problem} and {m.PowerSignal} {m.PowerKw.Problem}: not counted", observed);
        return 0;
    }
}
