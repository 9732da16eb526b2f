using Energy.Contracts.Readings;
using Energy.Contracts.Units;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Telemetry.Tests.Signals;

public class SignalRegistryTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private static readonly string Demand = SignalNames.HeatDemandKw("bath");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 7, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SignalRegistry _registry = new();

    private Reading GoodReading(double value, string? signal = null) => Reading.Good(signal ?? Demand, value, Unit.Kilowatt, _time.GetUtcNow(), "meter-1");

    [Fact]
    public void GoodValue_FreshGoodReading_ReturnsTheValue()
    {
        _registry.Publish(GoodReading(412.5));

        Assert.Equal(412.5, _registry.GoodValue(Demand, _time.GetUtcNow(), MaxAge));
    }

    [Fact]
    public void GoodValue_ReadingExactlyMaxAgeOld_StillReturnsTheValue()
    {
        _registry.Publish(GoodReading(412.5));
        _time.Advance(MaxAge);

        Assert.Equal(412.5, _registry.GoodValue(Demand, _time.GetUtcNow(), MaxAge));
    }

    [Fact]
    public void GoodValue_StaleReading_ReturnsNull()
    {
        _registry.Publish(GoodReading(412.5));
        _time.Advance(MaxAge + TimeSpan.FromMilliseconds(1));

        Assert.Null(_registry.GoodValue(Demand, _time.GetUtcNow(), MaxAge));
        Assert.NotNull(_registry.Latest(Demand));
    }

    [Fact]
    public void GoodValue_BadReading_ReturnsNull()
    {
        _registry.Publish(Reading.Bad(Demand, Unit.Kilowatt, "Modbus timeout", _time.GetUtcNow(), "meter-1"));

        Assert.Null(_registry.GoodValue(Demand, _time.GetUtcNow(), MaxAge));
    }

    [Fact]
    public void GoodValue_GoodReadingOfNaN_IsBadAndReturnsNull()
    {
        _registry.Publish(GoodReading(double.NaN));

        Assert.Null(_registry.GoodValue(Demand, _time.GetUtcNow(), MaxAge));
        Assert.Equal(Quality.Bad, _registry.Latest(Demand)!.Quality);
    }

    [Fact]
    public void GoodValue_UncertainReading_ReturnsNull()
    {
        _registry.Publish(new Reading(Demand, 400, Unit.Kilowatt, Quality.Uncertain, "frozen", _time.GetUtcNow(), "meter-1"));

        Assert.Null(_registry.GoodValue(Demand, _time.GetUtcNow(), MaxAge));
    }

    [Fact]
    public void GoodValue_UnknownSignal_ReturnsNull()
    {
        Assert.Null(_registry.GoodValue("nowhere", _time.GetUtcNow(), MaxAge));
        Assert.Null(_registry.Latest("nowhere"));
    }

    [Fact]
    public void Publish_BadAfterGood_BadReplacesGood()
    {
        _registry.Publish(GoodReading(412.5));
        _registry.Publish(Reading.Bad(Demand, Unit.Kilowatt, "out of range", _time.GetUtcNow(), "meter-1"));

        Assert.Null(_registry.GoodValue(Demand, _time.GetUtcNow(), MaxAge));
        Assert.Equal("out of range", _registry.Latest(Demand)!.Reason);
    }

    [Fact]
    public void Publish_AnyReading_RaisesPublished()
    {
        var seen = new List<Reading>();
        _registry.Published += seen.Add;
        var reading = GoodReading(1);

        _registry.Publish(reading);

        Assert.Same(reading, Assert.Single(seen));
    }

    private const string Meter = "grid.meteredImportKw";

    [Fact]
    public void Snapshot_SeveralSignals_LatestOfEachOrderedByName()
    {
        _registry.Publish(GoodReading(1, SignalNames.SpotPrice));
        _registry.Publish(GoodReading(2, Meter));
        _registry.Publish(GoodReading(3, Meter));
        _registry.Publish(GoodReading(4));

        var snapshot = _registry.Snapshot();

        Assert.Equal([Demand, Meter, SignalNames.SpotPrice], snapshot.Select(r => r.Signal));
        Assert.Equal(3, snapshot[1].Value);
    }

    [Fact]
    public void Publish_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => _registry.Publish(null!));
    }
}
