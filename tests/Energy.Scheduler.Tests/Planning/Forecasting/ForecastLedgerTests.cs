using Energy.Contracts.Prices;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning.Forecasting;

namespace Energy.Scheduler.Tests.Planning.Forecasting;

public sealed class ForecastLedgerTests
{
    private const string Demand = "bath.heatDemandKw";
    private static readonly DateTimeOffset T0 = new(2024, 2, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly DemandHistory _history = new([Demand, "tenant.acme-inference.demandGpus"], TimeSpan.FromSeconds(1));

    [Fact]
    public void Compare_EndedSlots_ForecastOfThePlanInForceAtTheirStartAgainstTheObservedMean()
    {
        var ledger = new ForecastLedger(_history);
        ledger.Record(T0, Curve(T0, TimeSpan.FromHours(1), 2), Heat(400, 600), null);
        ledger.Record(T0.AddMinutes(20), Curve(T0, TimeSpan.FromHours(1), 2), Heat(999, 999), null);   // made after 10:00 and 10:15 started
        _history.Restore(Demand, T0, 500, T0);
        _history.Restore(Demand, T0.AddMinutes(15), 380, T0);
        _history.Restore(Demand, T0.AddMinutes(30), 700, T0);

        var points = ledger.Compare(Demand, T0.AddMinutes(45));

        Assert.Equal([new ForecastPoint(T0, 400, 500), new ForecastPoint(T0.AddMinutes(15), 400, 380), new ForecastPoint(T0.AddMinutes(30), 999, 700)], points);
    }

    [Fact]
    public void Compare_OlderThan24Hours_Dropped()
    {
        var ledger = new ForecastLedger(_history);
        ledger.Record(T0, Curve(T0, TimeSpan.FromMinutes(15), 1), Heat(400), null);
        _history.Restore(Demand, T0, 500, T0);

        Assert.Single(ledger.Compare(Demand, T0.AddHours(24)));
        Assert.Empty(ledger.Compare(Demand, T0.AddHours(24).AddMinutes(1)));
    }

    [Fact]
    public void Stats_BiasIsForecastMinusActualAndPercentSkipsActualsNearZero()
    {
        var stats = ForecastErrorStats.Of([new ForecastPoint(T0, 400, 500), new ForecastPoint(T0, 330, 300), new ForecastPoint(T0, 10, 0)]);

        Assert.Equal(3, stats.Slots);
        Assert.Equal((100 + 30 + 10) / 3.0, stats.MeanAbsoluteError!.Value, 9);
        Assert.Equal((-100 + 30 + 10) / 3.0, stats.Bias!.Value, 9);
        Assert.Equal(100 * ((100 / 500.0) + (30 / 300.0)) / 2, stats.MeanAbsolutePercentError!.Value, 9);
        Assert.Null(ForecastErrorStats.Of([new ForecastPoint(T0, 10, 0)]).MeanAbsolutePercentError);
        Assert.Equal(new ForecastErrorStats(0, null, null, null), ForecastErrorStats.Of([]));
    }

    private static Dictionary<string, IReadOnlyList<Power>> Heat(params double[] kw) => new() { ["bath"] = kw.Select(Power.FromKilowatts).ToList() };

    private static PriceCurve Curve(DateTimeOffset start, TimeSpan slot, int count) =>
        new(start, slot, Enumerable.Repeat(EnergyPrice.EurPerMwh(50), count).ToList());
}
