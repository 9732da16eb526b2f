using Energy.Contracts.Readings;
using Energy.Scheduler.Plant;
using Energy.Scheduler.Tests.Controller;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Plant;

/// <summary>The demo runs only when asked, and never writes a signal a real device or a real topic feeds.</summary>
public sealed class DemoScopeTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 2, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly SignalRegistry _signals = new();

    [Fact]
    public void SiteWithoutSimulatedDevicesOrDemoKey_NothingIsSimulated()
    {
        var site = Real(TestSites.Bathhouse().Devices.Select(d => d.Name).ToArray());

        var scope = DemoScope.For(site, wholeDemo: false, "--demo", DemoBroker.Embedded, realPrices: false);

        Assert.Equal(DemoLevel.None, scope.Level);
        Assert.False(scope.Runs);
        Assert.False(scope.SyntheticMarket);
        Assert.Empty(scope.PublishedTopics);
        Assert.Empty(scope.SimulatedDevices);
        Assert.False(scope.WritesDirectly("grid.meteredImportKw"));
        Assert.False(scope.WritesDirectly("bath.poolTemperatureC"));
        Assert.StartsWith("off", scope.Describe(), StringComparison.Ordinal);
        Assert.False(scope.Status().Running);
    }

    [Fact]
    public void SimulateMarksOnly_OnlyThoseDevicesAreSimulated_NoMarketNoTopicsNoUnmappedSignals()
    {
        var site = Real("site-meter");

        var scope = DemoScope.For(site, wholeDemo: false, "unused", DemoBroker.Embedded, realPrices: false, serveDevices: false);

        Assert.Equal(DemoLevel.Devices, scope.Level);
        Assert.Equal(["heat-meter", "tank-controller"], scope.SimulatedDevices.Select(d => d.Name));
        Assert.False(scope.SyntheticMarket);
        Assert.Empty(scope.PublishedTopics);
        Assert.True(scope.WritesDirectly("bath.heatDeliveredKw"));        // simulated device, not served: into the registry
        Assert.False(scope.WritesDirectly("grid.meteredImportKw"));       // the real site meter
        Assert.True(scope.IsReal("grid.meteredImportKw"));
        Assert.False(scope.WritesDirectly("bath.poolTemperatureC"));      // a real topic
        Assert.False(scope.WritesDirectly("bath.heatDemandKw"));          // mapped by nothing: only the whole demo writes those
    }

    [Fact]
    public void WholeDemo_EmbeddedBroker_PublishesTheTopicsThere_ExternalBroker_PublishesNothingAndWritesNoneOfThem()
    {
        var site = TestSites.Bathhouse();

        var embedded = DemoScope.For(site, wholeDemo: true, "--demo", DemoBroker.Embedded, realPrices: false);
        var external = DemoScope.For(site, wholeDemo: true, "--demo", DemoBroker.External, realPrices: true);

        Assert.Equal(site.TopicSignals.Select(t => t.Topic), embedded.PublishedTopics.Select(t => t.Topic));
        Assert.True(embedded.SyntheticMarket);
        Assert.False(embedded.WritesDirectly("bath.poolTemperatureC"));   // read back through the broker
        Assert.Empty(external.PublishedTopics);
        Assert.False(external.SyntheticMarket);
        Assert.All(site.TopicSignals, t => Assert.True(external.IsReal(t.Signal)));
        Assert.All(site.TopicSignals, t => Assert.False(external.WritesDirectly(t.Signal)));
        Assert.Contains("real, never simulated: bath.poolTemperatureC", external.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WholeDemoOnASiteWithARealMeter_TheMeterIsNeverWrittenByTheDemo()
    {
        var site = Real("site-meter");
        var scope = DemoScope.For(site, wholeDemo: true, "--demo", DemoBroker.External, realPrices: false, serveDevices: false);
        using var world = new DemoWorld(site, InProcessController.Create(site, _time).Link, new DemoSensors(site, _signals, scope: scope), _time);

        // The real meter fails; the demo keeps stepping beside it.
        _signals.Publish(Reading.Bad("grid.meteredImportKw", Energy.Contracts.Units.Unit.Kilowatt, "connection refused", _time.GetUtcNow(), "modbus:site-meter"));
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await world.StepAsync(CancellationToken.None);
        }

        var meter = _signals.Latest("grid.meteredImportKw")!;
        Assert.Equal(Quality.Bad, meter.Quality);
        Assert.Equal("modbus:site-meter", meter.Source);
        Assert.All(new[] { "grid.frequencyHz", "grid.voltageL1V", "grid.importEnergyKwh", "bath.poolTemperatureC", "tenant.acme-inference.demandGpus" },
            s => Assert.Null(_signals.Latest(s)));
        Assert.Equal("demo-simulator", _signals.Latest("bath.heatDeliveredKw")!.Source);   // the simulated heat meter
    }

    [Fact]
    public void StatusBoard_StampsWhatTheDemoSimulates()
    {
        var scope = DemoScope.For(TestSites.Bathhouse(), wholeDemo: true, "the built-in bathhouse demo", DemoBroker.Embedded, realPrices: false);
        var board = new Energy.Scheduler.Controller.Status.StatusBoard(scope);

        board.Publish(new Energy.Scheduler.Controller.Status.SiteStatus("bathhouse", _time.GetUtcNow(), null, "EUR", 0, 900, "lp", "simulated", [],
            new(0, 0, 0, 0, 0), [], [], []));

        var demo = board.Current!.Demo!;
        Assert.True(demo.Running);
        Assert.Equal("full", demo.Level);
        Assert.Contains("device:site-meter", demo.Simulates);
        Assert.Contains("market", demo.Simulates);
        Assert.Contains("mqtt-input:bath.poolTemperatureC", demo.Simulates);
    }

    /// <summary>The bathhouse with the named devices' <c>simulate</c> removed: real devices.</summary>
    private static Energy.Contracts.Sites.Site Real(params string[] devices)
    {
        var site = TestSites.Bathhouse();
        return site with { Devices = [.. site.Devices.Select(d => devices.Contains(d.Name) ? d with { Simulate = null } : d)] };
    }
}
