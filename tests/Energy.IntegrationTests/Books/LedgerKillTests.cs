using System.Diagnostics;
using System.Text.Json;
using Energy.IntegrationTests.Support;
using Energy.Scheduler.Books;
using Energy.Scheduler.Plant;
using Energy.Telemetry.Storage;

namespace Energy.IntegrationTests.Books;

/// <summary>
/// The energy ledger of a real <c>heatgrid run</c> (the bathhouse demo, on free ports) killed with SIGKILL and restarted on
/// the same data folder: no slot lost or doubled, the downtime a flagged gap, the simulated GPUs' counters (which start
/// again at 0 in the new process) handled as resets, the demo's heat meter register continuing across the kill, and the
/// tenant's kWh in the ledger equal to the sum of its GPUs' energy counters as <c>/api/status</c> showed them.
/// </summary>
public sealed class LedgerKillTests : IDisposable
{
    private const string Tenant = "acme-inference";
    private static readonly TimeSpan RunFor = TimeSpan.FromSeconds(38);

    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-ledger-").FullName;
    private readonly HeatGridRunRig _rig;

    public LedgerKillTests() => _rig = new HeatGridRunRig(_folder);

    public void Dispose()
    {
        _rig.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task KilledAndRestarted_SlotsWholeGapFlaggedResetsHandledHeatRegisterGoesOnTenantKwhEqualsItsCounters()
    {
        // First run, killed: the window compared is between two of the ledger's own checkpoints, once the tenant's GPUs all run
        // (the demo ramps them in at 7 a second), so that each GPU's counter readings bound it exactly.
        var windows = new List<(LedgerCheckpoint From, LedgerCheckpoint To, List<Poll> Polls)>();
        double heatRegisterAtKill;
        using (var first = _rig.Start("--demo"))
        {
            var (polls, from) = await RunAsync(first);

            // Killed 2 s after a checkpoint (they come every 5 s): the polls have seen the counters past the last one.
            await FreshCheckpointAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
            first.Signal("KILL");
            Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(10)), "SIGKILL did not end heatgrid");
            await polls.StopAsync();
            polls.Dispose();
            var to = Checkpoint();
            windows.Add((from, to, polls.Polls));
            heatRegisterAtKill = to.Registers["bath.heatEnergyKwh"].Last!.Value;
            // The meter serves the saved value as a float32 (ops/examples/bathhouse.yaml), which may round it up.
            var saved = (double)(float)Saved(DemoMeterRegisters.FileName)["bath.heatEnergyKwh"];
            Assert.True(saved >= heatRegisterAtKill, $"the demo's saved register {saved:R} kWh is behind what the ledger read, {heatRegisterAtKill:R} kWh");
        }

        // Second run on the same folder, stopped cleanly.
        string output;
        using (var second = _rig.Start("--demo"))
        {
            var (polls, from) = await RunAsync(second);
            var to = Checkpoint();
            await Task.Delay(TimeSpan.FromSeconds(3));       // polled past the checkpoint, so that the polls bound it
            var firstHeat = polls.FirstHeatRegisterKwh;
            second.Signal("TERM");
            Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(20)), "SIGTERM did not end heatgrid:\n" + HeatGridRunRig.Tail(second.Output));
            await polls.StopAsync();
            polls.Dispose();
            windows.Add((from, to, polls.Polls));
            output = second.Output;
            Assert.True(firstHeat >= heatRegisterAtKill, $"heat register went back across the kill: {heatRegisterAtKill} kWh, then {firstHeat} kWh");
        }

        using var store = LedgerStore.Open(_rig.Data);
        var slots = store.Read(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddDays(1));
        var context = string.Join("\n", slots.Select(s => $"{s.Start:o}–{s.End:o} closed={s.Closed} covered={s.CoveredSeconds:0} flags: {string.Join(" | ", s.Flags)}"))
            + "\nsecond run's ledger log:\n" + string.Join("\n", output.Split('\n').Where(l => l.Contains("ledger", StringComparison.OrdinalIgnoreCase)));

        // Whole slots: contiguous, none twice, the one in progress last.
        Assert.NotEmpty(slots);
        Assert.Equal(slots.Count, slots.Select(s => s.Start).Distinct().Count());
        Assert.All(slots.Zip(slots.Skip(1)), p => Assert.Equal(p.First.End, p.Second.Start));
        Assert.All(slots.SkipLast(1), s => Assert.True(s.Closed, context));
        Assert.Equal(slots.Count(s => s.Closed), store.SlotCount());

        // The downtime is a gap, the GPUs' counters' return to 0 resets, no energy negative, the heat register never reset.
        Assert.True(slots.Any(s => s.Flags.Any(f => f.StartsWith("gap:", StringComparison.Ordinal))), context);
        Assert.True(slots.Any(s => s.Flags.Any(f => f.StartsWith("energy counters of 1280 GPU(s) went back", StringComparison.Ordinal))), context);
        Assert.True(slots.Sum(s => s.Gpus.Sum(g => g.CounterResets)) >= 1280, context);
        Assert.All(slots.SelectMany(s => s.Gpus), g => Assert.True(g.Kwh >= 0, $"{g.Gpu} {g.Kwh} kWh"));
        Assert.False(slots.Any(s => s.Flags.Any(f => f.Contains("heatEnergyKwh went back", StringComparison.Ordinal))), context);
        Assert.All(slots.SelectMany(s => s.HeatLoops), l => Assert.Equal(EnergyBasis.Counter, l.DeliveredBasis));

        // The tenant's kWh between the checkpoints, in the ledger and by its GPUs' counters as /api/status showed them.
        var ledgerKwh = windows.Sum(w => TenantKwh(slots, w.To) - TenantKwh(slots, w.From));
        var countersKwh = windows.Sum(w => CounterKwh(w.From, w.To, w.Polls));
        Assert.True(countersKwh > 0.05, $"the tenant used {countersKwh} kWh in the windows: too little to compare");
        var error = Math.Abs(ledgerKwh - countersKwh) / countersKwh;
        Console.WriteLine($"ledger kill test: {slots.Count} slots, tenant {ledgerKwh:0.######} kWh in the ledger, {countersKwh:0.######} kWh by its counters in /api/status ({error:P4})");
        Assert.True(error <= 0.001, $"tenant {ledgerKwh:0.######} kWh in the ledger, {countersKwh:0.######} kWh by its counters ({error:P3})\n{context}");
        Assert.DoesNotContain("fail: Energy.Scheduler.Books", output, StringComparison.Ordinal);
    }

    /// <summary>Runs <see cref="RunFor"/> while polling /api/status; returns the polls (still going) and a checkpoint taken once the tenant's GPUs all run.</summary>
    private async Task<(StatusPoller Polls, LedgerCheckpoint From)> RunAsync(HeatGridProcess heatgrid)
    {
        await _rig.WaitForStatusAsync(heatgrid);
        var clock = Stopwatch.StartNew();
        var polls = StatusPoller.Start(_rig);
        LedgerCheckpoint? from = null;
        while (clock.Elapsed < RunFor || (from is null && clock.Elapsed < RunFor * 2))   // a loaded machine ramps the demo in slower
        {
            Assert.False(heatgrid.HasExited, "heatgrid exited:\n" + HeatGridRunRig.Tail(heatgrid.Output));
            await polls.ThrowIfFailedAsync();
            if (from is null && polls.TenantSteadyFor(TimeSpan.FromSeconds(2)))
            {
                from = await FreshCheckpointAsync();
            }

            await Task.Delay(250);
        }

        Assert.True(from is not null, "the tenant's GPUs never all ran:\n" + HeatGridRunRig.Tail(heatgrid.Output));
        return (polls, from!);
    }

    /// <summary>Waits for a checkpoint saved after now.</summary>
    private async Task<LedgerCheckpoint> FreshCheckpointAsync()
    {
        var since = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        while (Checkpoint() is var c && (c.LastTick is null || c.LastTick < since))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "no new ledger checkpoint in 15 s");
            await Task.Delay(200);
        }

        return Checkpoint();
    }

    private LedgerCheckpoint Checkpoint()
    {
        using var store = LedgerStore.Open(_rig.Data);
        return store.ReadCheckpoint() ?? throw new InvalidOperationException("no checkpoint in the ledger");
    }

    private Dictionary<string, double> Saved(string name) =>
        JsonSerializer.Deserialize<Dictionary<string, double>>(StateFile.Read(Path.Combine(_rig.Data, name)).Body!)!;

    /// <summary>The tenant's kWh in the ledger as of a checkpoint: the slots closed before its slot, and its slot as it stood.</summary>
    private static double TenantKwh(IReadOnlyList<LedgerSlot> slots, LedgerCheckpoint at) =>
        slots.Where(s => s.Closed && s.End <= at.Slot.Start).Sum(s => s.Gpus.Where(g => g.Workload == Tenant).Sum(g => g.Kwh))
        + at.Slot.Gpus.Values.Where(g => g.Workload == Tenant).Sum(g => g.Kwh);

    /// <summary>
    /// The tenant's kWh by the counters: each GPU's counter differences between consecutive polls, attributed to the workload the
    /// later poll shows it running, within the counter readings the two checkpoints hold for it.
    /// </summary>
    private static double CounterKwh(LedgerCheckpoint from, LedgerCheckpoint to, List<Poll> polls)
    {
        var total = 0.0;
        foreach (var gpu in to.GpuCounters.Keys)
        {
            var (lo, hi) = (from.GpuCounters[gpu], to.GpuCounters[gpu]);
            var readings = polls.Select(p => p.Gpus.TryGetValue(gpu, out var r) ? r : ((double Kwh, string? Workload)?)null).OfType<(double Kwh, string? Workload)>().ToList();
            if (readings.Any(r => r.Workload == Tenant))
            {
                Assert.True(readings[0].Kwh <= lo && readings[^1].Kwh >= hi, $"polls of {gpu} ({readings[0].Kwh}–{readings[^1].Kwh}) do not bound the window {lo}–{hi}");
            }

            foreach (var (prev, cur) in readings.Zip(readings.Skip(1)))
            {
                if (cur.Workload == Tenant)
                {
                    total += Math.Max(0, Math.Min(cur.Kwh, hi) - Math.Max(prev.Kwh, lo));
                }
            }
        }

        return total;
    }

    private sealed record Poll(Dictionary<string, (double Kwh, string? Workload)> Gpus, double? HeatRegisterKwh);

    /// <summary>Polls /api/status (each GPU's counter and running workload) and /api/signals every 250 ms until stopped.</summary>
    private sealed class StatusPoller : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<(DateTimeOffset At, int Tenant)> _tenant = [];
        private Task _loop = Task.CompletedTask;

        public List<Poll> Polls { get; } = [];

        public double? FirstHeatRegisterKwh { get { lock (Polls) { return Polls.Select(p => p.HeatRegisterKwh).FirstOrDefault(h => h is not null); } } }

        public static StatusPoller Start(HeatGridRunRig rig)
        {
            var poller = new StatusPoller();
            poller._loop = poller.RunAsync(rig);
            return poller;
        }

        public bool TenantSteadyFor(TimeSpan span)
        {
            lock (Polls)
            {
                if (_tenant.Count == 0 || _tenant[^1].Tenant == 0)
                {
                    return false;
                }

                var last = _tenant[^1].Tenant;
                var since = _tenant.FindLastIndex(t => t.Tenant != last);
                return _tenant[^1].At - _tenant[since + 1].At >= span && since >= 0;
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
        }

        public void Dispose() => _stop.Dispose();

        /// <summary>Rethrows what ended the polling early (a status it could not read), so that the test fails saying so.</summary>
        public async Task ThrowIfFailedAsync()
        {
            if (_loop.IsFaulted)
            {
                await _loop;
            }
        }

        private async Task RunAsync(HeatGridRunRig rig)
        {
            while (!_stop.IsCancellationRequested)
            {
                if (await rig.TryStatusAsync() is { } status)
                {
                    var gpus = status.GetProperty("gpuAssignments").EnumerateArray().ToDictionary(g => g.GetProperty("gpu").GetString()!,
                        g => (g.GetProperty("energyCounterKwh").GetDouble(), g.GetProperty("runningWorkload").GetString()), StringComparer.Ordinal);
                    double? heat = null;
                    try
                    {
                        heat = (await rig.GetAsync("/api/signals")).EnumerateArray().Where(s => s.GetProperty("name").GetString() == "bath.heatEnergyKwh")
                            .Select(s => s.GetProperty("value").ValueKind == JsonValueKind.Number ? s.GetProperty("value").GetDouble() : (double?)null).FirstOrDefault();
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        // Killed between the two requests: the status poll stands.
                    }

                    lock (Polls)
                    {
                        Polls.Add(new Poll(gpus, heat));
                        _tenant.Add((DateTimeOffset.UtcNow, gpus.Values.Count(g => g.Item2 == Tenant)));
                    }
                }

                try
                {
                    await Task.Delay(250, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
