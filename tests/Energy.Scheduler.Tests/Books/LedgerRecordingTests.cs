using Energy.Contracts.Units;
using Energy.Scheduler.Books;

namespace Energy.Scheduler.Tests.Books;

public sealed class LedgerRecordingTests : IDisposable
{
    private const double Precision = 1e-9;

    private readonly LedgerRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task Tick_GpuMovesBetweenWorkloads_CounterDifferenceGoesToTheWorkloadItRanAtTheTick()
    {
        var gpu = _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700, counterKwh: 12.5);
        await _rig.Step();                         // the first reading is the counter's baseline
        await _rig.Step(10);
        gpu.Workload = "mining";
        gpu.Watts = 500;
        await _rig.Step(20);

        var slot = _rig.Recorder.Book.Current!;
        var acme = slot.Gpus.Single(g => g.Workload == "acme-inference");
        var mining = slot.Gpus.Single(g => g.Workload == "mining");
        Assert.Equal(0.7 * 10 / 3600, acme.Kwh, Precision);
        Assert.Equal(10, acme.Seconds, 6);
        Assert.Equal(0.5 * 20 / 3600, mining.Kwh, Precision);
        var tenant = slot.Workloads.Single(w => w.Name == "acme-inference");
        Assert.Equal("Acme AI", tenant.Tenant);
        Assert.Equal(10.0 / 3600, tenant.GpuHours, Precision);
        Assert.Equal(10.0 / 3600 * 2.10, tenant.Revenue, Precision);
        Assert.Equal(acme.Kwh * 1.04, tenant.GridKwh, Precision);                                 // the liquid pool's 4 % cooling
        Assert.Equal(tenant.GridKwh / 1000 * 140, tenant.EnergyCost, Precision);                 // the first slot's all-in price
        Assert.Equal(mining.Kwh / 1000 * 110, slot.Workloads.Single(w => w.Name == "mining").Revenue, 1e-9);   // 110 EUR per MWh of GPU energy
        Assert.Equal(acme.Kwh + mining.Kwh, slot.Site.GpuKwh, Precision);
    }

    [Fact]
    public async Task Tick_CounterGoesBackwards_ResetCountedFromItsNewValueAndFlagged()
    {
        var gpu = _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700, counterKwh: 40);
        await _rig.Step(6);
        gpu.CounterKwh = 0;                        // a driver reload: the counter starts again from zero
        await _rig.Step(4);

        var line = _rig.Recorder.Book.Current!.Gpus.Single();
        Assert.Equal(1, line.CounterResets);
        Assert.Equal(0.7 * 9 / 3600, line.Kwh, Precision);    // 5 s before, 4 s after (its new value), never the 40 kWh drop
        Assert.Contains(_rig.Recorder.Book.Current!.Flags, f => f.Contains("went back", StringComparison.Ordinal) && f.Contains("liquid-h100/0", StringComparison.Ordinal));
        Assert.False(_rig.Recorder.Book.Current!.Estimated);
    }

    [Fact]
    public async Task Tick_TicksMissing_CounterDifferenceBridgesTheGapWhichIsFlaggedAndNotCovered()
    {
        _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        await _rig.Step(11);
        await _rig.Step(30, tick: false);          // no readings for 30 s
        await _rig.Step(10);

        var slot = _rig.Recorder.Book.Current!;
        Assert.Equal(0.7 * 50 / 3600, slot.Gpus.Single().Kwh, Precision);      // all of it, from the counter
        Assert.Equal(19, slot.CoveredSeconds, 6);                               // the gap (and the tick that ends it) is not observed time
        Assert.Contains(slot.Flags, f => f.StartsWith("gap:", StringComparison.Ordinal));
        Assert.Equal(_rig.ImportKw * 50 / 3600, slot.Site.ImportKwh, 1e-6);    // the meter's register bridges it too
        Assert.Equal(EnergyBasis.Counter, slot.Site.ImportBasis);
    }

    [Fact]
    public async Task Tick_OfflineGpu_NotCountedUntilItReportsAgainThenBridgedByItsCounter()
    {
        var gpu = _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        await _rig.Step(6);
        gpu.Online = false;
        await _rig.Step(10);
        Assert.Equal(0.7 * 5 / 3600, _rig.Recorder.Book.Current!.Gpus.Single().Kwh, Precision);
        gpu.Online = true;
        await _rig.Step(1);
        Assert.Equal(0.7 * 16 / 3600, _rig.Recorder.Book.Current!.Gpus.Single().Kwh, Precision);
    }

    [Fact]
    public async Task Tick_BadRegisterUntilTheSlotEnds_ImportIntegratedFromPowerAndSlotEstimatedWithTheReason()
    {
        await _rig.Step(10);
        _rig.ImportRegisterGood = false;
        _rig.ImportKw = 180;
        await _rig.Step(15 * 60);                   // past the slot's end

        var slot = Assert.Single(_rig.Ledger(), s => s.Closed);
        Assert.Equal(EnergyBasis.Integrated, slot.Site.ImportBasis);
        Assert.Equal((100.0 * 9 / 3600) + (180.0 * (900 - 10) / 3600), slot.Site.ImportKwh, 1e-6);
        var reason = Assert.Single(slot.EstimatedReasons);
        Assert.Contains("grid.importEnergyKwh was bad (device failure)", reason, StringComparison.Ordinal);
        Assert.Contains("integrated from grid.meteredImportKw", reason, StringComparison.Ordinal);
        Assert.True(slot.Estimated);
        Assert.All(_rig.Ledger(), s => Assert.True(double.IsFinite(s.Site.ImportKwh)));    // a Bad value (NaN) never enters
    }

    [Fact]
    public async Task Tick_RegisterGoodAgainInTheNextSlot_ItsDifferenceLessWhatWasEstimatedKeepsTheSlotsSummingToTheRegister()
    {
        var first = _rig.ImportRegisterKwh;
        await _rig.Step(1);
        var atBaseline = _rig.ImportRegisterKwh;
        await _rig.Step(880);
        _rig.ImportRegisterGood = false;
        _rig.ImportKw = 300;                        // the integration over-estimates nothing here: power and register agree
        await _rig.Step(60);                        // the slot ends while the register is Bad
        _rig.ImportKw = 100;
        await _rig.Step(20);
        _rig.ImportRegisterGood = true;
        await _rig.Step(5);

        var closed = Assert.Single(_rig.Ledger(), s => s.Closed);
        var open = _rig.Recorder.Book.Current!;
        Assert.Equal(_rig.ImportRegisterKwh - atBaseline, closed.Site.ImportKwh + open.Site.ImportKwh, 1e-6);
        Assert.Equal(EnergyBasis.Counter, open.Site.ImportBasis);                // replaced by the register's difference
        Assert.Empty(open.EstimatedReasons);
        Assert.Contains(open.Flags, f => f.Contains("bridged by its difference", StringComparison.Ordinal));
        Assert.True(closed.Estimated);
        Assert.True(first < atBaseline);
    }

    [Fact]
    public async Task Tick_MeteredImportAboveTheParts_ReconciliationGapIsTheDifference()
    {
        _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        _rig.Link.Add("air-l40s/0", "air-l40s", "mining", 300);
        var modelKw = (0.7 * 1.04) + (0.3 * 1.30) + 60;     // GPUs with cooling and the site file's 60 kW base load
        _rig.ImportKw = modelKw + 5;                          // 5 kW HeatGrid does not know of
        await _rig.Step(61);

        var site = _rig.Recorder.Book.Current!.Site;
        Assert.Equal((0.7 + 0.3) * 60 / 3600, site.GpuKwh, Precision);
        Assert.Equal(((0.7 * 0.04) + (0.3 * 0.30)) * 60 / 3600, site.CoolingKwh, Precision);
        Assert.Equal(60.0 * 60 / 3600, site.BaseLoadKwh, Precision);
        Assert.Equal(modelKw * 60 / 3600, site.ImportModelKwh, 1e-6);
        Assert.Equal(5.0 * 60 / 3600, site.ReconciliationGapKwh!.Value, 1e-6);
        Assert.Equal(site.ImportKwh, site.ImportMeteredKwh);
        Assert.Equal(site.ImportKwh / 1000 * 140, site.EnergyCost, 1e-9);
    }

    [Fact]
    public async Task Tick_TenantBelowItsSla_OwedAndDeliveredGpuMinutes()
    {
        _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        _rig.Link.Add("liquid-h100/1", "liquid-h100", "acme-inference", 700);
        _rig.Link.Add("liquid-h100/2", "liquid-h100", null, 80);
        await _rig.Step(121);

        var tenant = _rig.Recorder.Book.Current!.Workloads.Single(w => w.Name == "acme-inference");
        Assert.Equal(96 * 2.0, tenant.SlaGpuMinutesOwed, 6);         // 96 GPUs guaranteed over 2 minutes
        Assert.Equal(2 * 2.0, tenant.SlaGpuMinutesDelivered, 6);     // two served
        var idle = _rig.Recorder.Book.Current!.Workloads.Single(w => w.Name == "idle");
        Assert.Equal(0.08 * 120 / 3600, idle.GpuKwh, Precision);
    }

    [Fact]
    public async Task Tick_HeatBelowTheContractedSupplyTemperature_CountedAndEnergyWeighted()
    {
        await _rig.Step(1);
        await _rig.Step(30);
        _rig.SupplyC = 64;
        _rig.HeatKw = 720;
        _rig.BoilerKw = 36;
        await _rig.Step(30);

        var loop = Assert.Single(_rig.Recorder.Book.Current!.HeatLoops);
        var (early, late) = (360.0 * 30 / 3600, 720.0 * 30 / 3600);
        Assert.Equal(early + late, loop.DeliveredKwh, 1e-6);
        Assert.Equal(EnergyBasis.Counter, loop.DeliveredBasis);
        Assert.Equal(((early * 70) + (late * 64)) / (early + late), loop.SupplyTemperatureC!.Value, 1e-6);
        Assert.Equal(30, loop.SecondsBelowContract, 6);
        Assert.Equal(70, loop.ContractSupplyTemperatureC);
        Assert.Equal((early + late) / 1000 * 60, loop.Revenue, 1e-9);
        Assert.Equal(36.0 * 30 / 3600, loop.BoilerKwh, 1e-9);
        Assert.Equal(loop.BoilerKwh / 1000 * 52 / 0.92, loop.BoilerFuelCost, 1e-9);
        Assert.Equal("Stadtbad Therme", loop.Buyer);
    }

    [Fact]
    public async Task Tick_CurtailmentInForce_IdAndSecondsInTheSlot()
    {
        await _rig.Step(10);
        _rig.Limit.Curtail("tso-7", Power.FromKilowatts(500), _rig.Time.GetUtcNow(), _rig.Time.GetUtcNow().AddSeconds(20), "congestion");
        await _rig.Step(40);

        var site = _rig.Recorder.Book.Current!.Site;
        Assert.Equal(["tso-7"], site.CurtailmentIds);
        Assert.InRange(site.CurtailedSeconds, 19, 21);
    }
}
