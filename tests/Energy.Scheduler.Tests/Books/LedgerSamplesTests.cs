using Energy.Scheduler.Books;

namespace Energy.Scheduler.Tests.Books;

/// <summary>The recorder on the control loop's samples: the books are made from the readings the status showed.</summary>
public sealed class LedgerSamplesTests : IDisposable
{
    private const double Precision = 1e-9;

    private readonly LedgerRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task RecordQueued_ControlLoopSamples_TenantKwhIsTheSampledCounterDifferenceNotALaterReading()
    {
        var gpu = _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700, counterKwh: 12.5);
        await _rig.Sample();
        var first = gpu.CounterKwh;
        await _rig.Sample();
        await _rig.Sample();
        var last = gpu.CounterKwh;
        await _rig.Step(5, tick: false);           // the fleet goes on drawing, but no control tick sampled it

        Assert.Equal(3, await _rig.Recorder.RecordQueuedAsync(CancellationToken.None));

        var tenant = _rig.Recorder.Book.Current!.Workloads.Single(w => w.Name == "acme-inference");
        Assert.Equal(last - first, tenant.GpuKwh, Precision);
        Assert.NotEqual(gpu.CounterKwh - first, tenant.GpuKwh, Precision);
    }

    [Fact]
    public async Task RecordQueued_SampleOlderThanWhatIsBooked_Skipped()
    {
        var gpu = _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        await _rig.Step();                                          // a fallback reading of the recorder's own
        var stale = await _rig.Link.ReadAsync(CancellationToken.None);
        await _rig.Step(2);
        var booked = _rig.Recorder.Book.Current!.Site.GpuKwh;
        _rig.Samples.Publish(_rig.Time.GetUtcNow().AddSeconds(-2), stale);   // a control tick's sample that came late

        Assert.Equal(1, await _rig.Recorder.RecordQueuedAsync(CancellationToken.None));

        Assert.Equal(booked, _rig.Recorder.Book.Current!.Site.GpuKwh, Precision);
        Assert.Equal(0, _rig.Recorder.Book.Current!.Gpus.Sum(g => g.CounterResets));
        Assert.True(gpu.CounterKwh > 0);
    }

    [Fact]
    public async Task Read_SlotInProgress_AsOfTheLastTickWhileTheStoreHasTheCheckpoint()
    {
        _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        await _rig.Step();
        await _rig.Step(EnergyRecorder.CheckpointEvery.Seconds + 2);

        var live = Assert.Single(_rig.Recorder.Read(LedgerRig.Start, LedgerRig.Start.AddDays(1)));
        var checkpointed = Assert.Single(_rig.Store.Read(LedgerRig.Start, LedgerRig.Start.AddDays(1)));

        Assert.False(live.Closed);
        Assert.Equal(_rig.Recorder.Book.Current!.Site.GpuKwh, live.Site.GpuKwh, Precision);
        Assert.True(live.Site.GpuKwh > checkpointed.Site.GpuKwh, $"live {live.Site.GpuKwh} kWh, checkpoint {checkpointed.Site.GpuKwh} kWh");
    }

    [Fact]
    public async Task Read_ClosedAndInProgress_OldestFirstEachOnce()
    {
        _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        await _rig.Step();
        await _rig.Step(15 * 60 + 30);

        var slots = _rig.Recorder.Read(LedgerRig.Start, LedgerRig.Start.AddDays(1));

        Assert.Equal([LedgerRig.Start, LedgerRig.Start.AddMinutes(15)], slots.Select(s => s.Start));
        Assert.Equal([true, false], slots.Select(s => s.Closed));
    }

    [Fact]
    public async Task StopAsync_AfterSamples_BooksTheQueuedSamplesAndCheckpointsWithoutAFreshReading()
    {
        var gpu = _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        await _rig.Sample();
        var first = gpu.CounterKwh;
        await _rig.Sample();
        var last = gpu.CounterKwh;
        await _rig.Step(3, tick: false);

        await _rig.Recorder.StopAsync(CancellationToken.None);

        var slot = Assert.Single(_rig.Store.Read(LedgerRig.Start, LedgerRig.Start.AddDays(1)));
        Assert.Equal(last - first, slot.Site.GpuKwh, Precision);
    }
}

/// <summary>The meters' register readings each slot counted between, kept in the store and shown in the statements.</summary>
public sealed class LedgerRegisterReadingsTests : IDisposable
{
    private const double Precision = 1e-6;

    private readonly LedgerRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task ClosedSlots_HeatAndImportRegistersChainedAndTheirDifferenceIsTheEnergy()
    {
        _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        var heatAtStart = _rig.HeatRegisterKwh + _rig.HeatKw / 3600;          // the first tick's reading, the baseline
        await _rig.Step();
        await _rig.Step(2 * 15 * 60 + 10);

        var slots = _rig.Ledger();
        Assert.Equal(3, slots.Count);
        var (first, second) = (slots[0].HeatLoops.Single(), slots[1].HeatLoops.Single());
        Assert.Equal(heatAtStart, first.RegisterStartKwh!.Value, Precision);
        Assert.Equal(first.RegisterEndKwh!.Value, second.RegisterStartKwh!.Value, Precision);
        Assert.Equal(first.DeliveredKwh, first.RegisterEndKwh!.Value - first.RegisterStartKwh!.Value, Precision);
        Assert.Equal(second.DeliveredKwh, second.RegisterEndKwh!.Value - second.RegisterStartKwh!.Value, Precision);
        Assert.Equal(slots[0].Site.ImportRegisterEndKwh!.Value, slots[1].Site.ImportRegisterStartKwh!.Value, Precision);
        Assert.Equal(slots[1].Site.ImportMeteredKwh!.Value, slots[1].Site.ImportRegisterEndKwh!.Value - slots[1].Site.ImportRegisterStartKwh!.Value, Precision);
    }

    [Fact]
    public async Task HeatBuyerStatement_MeterFromAndToOfTheWholeWindow_TheirDifferenceIsTheHeatBilled()
    {
        var heatAtStart = _rig.HeatRegisterKwh + _rig.HeatKw / 3600;
        await _rig.Step();
        await _rig.Step(40 * 60);

        var statement = StatementBuilder.Build(_rig.Recorder, new StatementRequest(StatementParty.HeatBuyer("Stadtbad Therme"),
            new DateOnly(2026, 12, 7), new DateOnly(2026, 12, 7), StatementFormat.Json));

        var total = (StatementHeatBuyerFigures)statement.Total.Figures;
        Assert.Equal(heatAtStart, total.MeterStartKwh!.Value, Precision);
        Assert.Equal(_rig.HeatRegisterKwh, total.MeterEndKwh!.Value, Precision);                // the slot in progress, as of the last tick
        Assert.Equal(total.MeterEndKwh!.Value - total.MeterStartKwh!.Value, total.HeatKwh, Precision);
        Assert.Equal(_rig.HeatKw * 40 * 60 / 3600, total.HeatKwh, Precision);
    }
}
