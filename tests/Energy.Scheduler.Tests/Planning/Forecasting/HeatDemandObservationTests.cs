using Energy.Contracts.Readings;
using Energy.Contracts.Signals;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Tests.Planning.Forecasting;

public sealed class HeatDemandObservationTests
{
    private static readonly DateTimeOffset Now = new(2024, 2, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly Site Site = TestSites.Bathhouse();
    private static readonly HeatLoop Bath = Site.HeatLoops.Single();

    [Fact]
    public void Observe_AllThreeGood_DemandIsDeliveredPlusBoilerPlusShortfall()
    {
        var obs = Observe(Good("bath.heatDeliveredKw", 300), Good("bath.boilerKw", 150), Good("bath.heatShortfallKw", 25));

        Assert.NotNull(obs);
        Assert.Equal((475.0, Quality.Good, true), (obs.Kw, obs.Quality, obs.Derived));
        Assert.Null(obs.Reason);
    }

    [Fact]
    public void Observe_BoilerNeverReported_CountsZeroAndSaysSo()
    {
        var obs = Observe(Good("bath.heatDeliveredKw", 300), Good("bath.heatShortfallKw", 20));

        Assert.NotNull(obs);
        Assert.Equal((320.0, Quality.Good), (obs.Kw, obs.Quality));
        Assert.Equal("bath.boilerKw never reported: counted as 0", obs.Reason);
    }

    [Fact]
    public void Observe_NothingEverReported_IsNoObservation()
    {
        Assert.Null(Observe());
    }

    [Fact]
    public void Observe_OneComponentBad_DemandBadWithItsReason()
    {
        var obs = Observe(Good("bath.heatDeliveredKw", 300), Reading.Bad("bath.boilerKw", Unit.Kilowatt, "modbus: timeout", Now, "modbus:tank"), Good("bath.heatShortfallKw", 0));

        Assert.NotNull(obs);
        Assert.Equal(Quality.Bad, obs.Quality);
        Assert.True(double.IsNaN(obs.Kw));
        Assert.Equal("bath.boilerKw: modbus: timeout", obs.Reason);
    }

    [Fact]
    public void Observe_OneComponentStale_DemandBad()
    {
        var old = Reading.Good("bath.heatShortfallKw", 0, Unit.Kilowatt, Now - TimeSpan.FromMinutes(6), "modbus:tank");

        var obs = Observe(Good("bath.heatDeliveredKw", 300), Good("bath.boilerKw", 10), old);

        Assert.NotNull(obs);
        Assert.Equal(Quality.Bad, obs.Quality);
        Assert.Equal("bath.heatShortfallKw: stale: last value 360 s ago, limit 300 s", obs.Reason);
        Assert.Equal(Now - TimeSpan.FromMinutes(6), obs.At);
    }

    [Fact]
    public void Observe_OneComponentUncertain_DemandUncertainButValued()
    {
        var frozen = new Reading("bath.heatDeliveredKw", 300, Unit.Kilowatt, Quality.Uncertain, "frozen for 30 min", Now, "modbus:heat-meter");

        var obs = Observe(frozen, Good("bath.boilerKw", 10), Good("bath.heatShortfallKw", 0));

        Assert.NotNull(obs);
        Assert.Equal((310.0, Quality.Uncertain), (obs.Kw, obs.Quality));
        Assert.Equal("bath.heatDeliveredKw uncertain: frozen for 30 min", obs.Reason);
    }

    [Fact]
    public void Observe_SiteMapsTheDemandItself_ThatMeterIsTheDemandAndNothingIsDerived()
    {
        var site = Site with
        {
            TopicSignals = [.. Site.TopicSignals, new TopicSignal("bath.heatDemandKw", "dh/load", PayloadFormat.Plain, null, null, Unit.Kilowatt, 1, 0, 0, null, TimeSpan.FromMinutes(10), 0)],
        };
        var readings = new[] { Good("bath.heatDemandKw", 900), Good("bath.heatDeliveredKw", 300), Good("bath.boilerKw", 10) }.ToDictionary(r => r.Signal);

        var obs = HeatDemandObservation.Observe(site, Bath, s => readings.GetValueOrDefault(s), Now);

        Assert.True(HeatDemandObservation.IsMeasured(site, "bath"));
        Assert.False(HeatDemandObservation.IsMeasured(Site, "bath"));
        Assert.NotNull(obs);
        Assert.Equal((900.0, false), (obs.Kw, obs.Derived));
    }

    [Fact]
    public void ToReading_DerivedDemand_IsTheLoopsDemandSignalFromTheDerivedSource()
    {
        var reading = Observe(Good("bath.heatDeliveredKw", 300), Good("bath.boilerKw", 0), Good("bath.heatShortfallKw", 0))!.ToReading(Now);

        Assert.Equal((SignalNames.HeatDemandKw("bath"), 300.0, Unit.Kilowatt, Quality.Good, "derived:delivered+boiler+shortfall", Now),
            (reading.Signal, reading.Value, reading.Unit, reading.Quality, reading.Source, reading.Timestamp));
    }

    private static HeatDemandObservation? Observe(params Reading[] readings)
    {
        var bySignal = readings.ToDictionary(r => r.Signal);
        return HeatDemandObservation.Observe(Site, Bath, s => bySignal.GetValueOrDefault(s), Now);
    }

    private static Reading Good(string signal, double kw) => Reading.Good(signal, kw, Unit.Kilowatt, Now - TimeSpan.FromSeconds(1), "modbus:test");
}
