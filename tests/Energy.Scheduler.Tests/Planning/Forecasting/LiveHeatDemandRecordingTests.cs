using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Telemetry.Signals;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Planning.Forecasting;

/// <summary>The live path end to end: meters → derived demand in the registry → the history the planner learns from.</summary>
public sealed class LiveHeatDemandRecordingTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2024, 2, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-recording-").FullName;
    private readonly FakeTimeProvider _time = new(Start);
    private readonly Site _site = TestSites.Bathhouse();
    private readonly SignalRegistry _signals = new();

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void Recording_SiteUnderDelivers_HistoryHoldsTheDemandNotWhatWasDelivered()
    {
        var history = new DemandHistory(DemandHistory.SignalsOf(_site), DemandHistoryRecorder.SamplePeriod);
        var store = new DemandHistoryStore(_data, NullLogger<DemandHistoryStore>.Instance);
        var publisher = new HeatDemandPublisher(_site, _signals, _time, NullLogger<HeatDemandPublisher>.Instance);
        var recorder = new DemandHistoryRecorder(_site, _signals, history, store, _time, NullLogger<DemandHistoryRecorder>.Instance);
        for (var s = 0; s <= 900; s++)
        {
            var now = _time.GetUtcNow();
            Meter("bath.heatDeliveredKw", 100, now);
            Meter("bath.boilerKw", 0, now);
            Meter("bath.heatShortfallKw", 200, now);
            publisher.PublishOnce(now);
            recorder.Tick(now);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(300, history.Mean("bath.heatDemandKw", Start));
        Assert.Equal("derived:delivered+boiler+shortfall", _signals.Latest("bath.heatDemandKw")!.Source);
        Assert.True(File.Exists(store.FilePath), "the completed slot is saved");

        var restarted = new DemandHistory(DemandHistory.SignalsOf(_site), DemandHistoryRecorder.SamplePeriod);
        store.Load(restarted, _time.GetUtcNow());
        Assert.Equal(300, restarted.Mean("bath.heatDemandKw", Start));
    }

    [Fact]
    public void Publisher_ABadMeter_LoggedOnceAndTheDemandIsBad()
    {
        var logger = new CapturingLogger<HeatDemandPublisher>();
        var publisher = new HeatDemandPublisher(_site, _signals, _time, logger);
        for (var s = 0; s < 5; s++)
        {
            var now = _time.GetUtcNow();
            Meter("bath.heatDeliveredKw", 100, now);
            _signals.Publish(Reading.Bad("bath.boilerKw", Unit.Kilowatt, "modbus: illegal data address", now, "modbus:tank-controller"));
            Meter("bath.heatShortfallKw", 0, now);
            publisher.PublishOnce(now);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var demand = _signals.Current("bath.heatDemandKw", _time.GetUtcNow());
        Assert.Equal(Quality.Bad, demand!.Quality);
        Assert.Equal("bath.boilerKw: modbus: illegal data address", demand.Reason);
        Assert.Single(logger.WithEventId(3204));
    }

    [Fact]
    public void Publisher_SiteMeasuresItsDemand_LeavesThatSignalAlone()
    {
        var site = TestSites.BathhouseWith("signal: bath.heatDeliveredKw, table: holding", "signal: bath.heatDemandKw, table: holding");
        var publisher = new HeatDemandPublisher(site, _signals, _time, NullLogger<HeatDemandPublisher>.Instance);
        Meter("bath.heatDeliveredKw", 100, Start);

        publisher.PublishOnce(Start);

        Assert.Null(_signals.Latest("bath.heatDemandKw"));
    }

    private void Meter(string signal, double kw, DateTimeOffset at) => _signals.Publish(Reading.Good(signal, kw, Unit.Kilowatt, at, "modbus:test"));
}
