using Energy.Contracts.Sites;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Scheduler.Plant;
using Energy.Scheduler.Tests.Controller;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Demo;

/// <summary>The demo's meters add up to its demand, and the demo leaves the demand itself to HeatGrid's derivation.</summary>
public sealed class DemoHeatMetersTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 2, 1, 5, 0, 0, TimeSpan.Zero));
    private readonly SignalRegistry _signals = new();

    [Fact]
    public async Task Step_BoilerTopsUpTheTank_DeliveredPlusBoilerPlusShortfallIsStillTheDemand()
    {
        // A tank at its reserve: standing losses make the boiler top it up, heat that is not the consumer's.
        var site = TestSites.BathhouseWith("      initialKwh: 700", "      initialKwh: 100");
        using var world = new DemoWorld(site, InProcessController.Create(site, _time).Link, new DemoSensors(site, _signals, devices: null), _time);
        var publisher = new HeatDemandPublisher(site, _signals, _time, NullLogger<HeatDemandPublisher>.Instance);

        _time.Advance(TimeSpan.FromSeconds(1));
        await world.StepAsync(CancellationToken.None);
        publisher.PublishOnce(_time.GetUtcNow());

        var flows = world.LatestFlows["bath"];
        Assert.True(flows.BoilerToStorage.Kilowatts > 0, "the test needs the boiler to charge the tank");
        double Kw(string signal) => _signals.GoodValue(signal, _time.GetUtcNow(), TimeSpan.FromSeconds(5))!.Value;
        Assert.Equal(flows.Demand.Kilowatts, Kw("bath.heatDeliveredKw") + Kw("bath.boilerKw") + Kw("bath.heatShortfallKw"), 6);
        Assert.Equal(flows.Demand.Kilowatts, Kw("bath.heatDemandKw"), 6);
        Assert.Equal("derived:delivered+boiler+shortfall", _signals.Latest("bath.heatDemandKw")!.Source);
    }

    [Fact]
    public void Start_FirstReadingsBeforeAnyStep_DemandCanBeDerived()
    {
        var site = TestSites.Bathhouse();
        using var world = new DemoWorld(site, InProcessController.Create(site, _time).Link, new DemoSensors(site, _signals, devices: null), _time);

        var demand = HeatDemandObservation.Observe(site, site.HeatLoops.Single(), s => _signals.Current(s, _time.GetUtcNow()), _time.GetUtcNow());

        Assert.NotNull(demand);
        Assert.True(demand.IsGood && demand.Reason is null && demand.Kw > 0);
        Assert.Null(_signals.Latest("bath.heatDemandKw"));
    }
}
