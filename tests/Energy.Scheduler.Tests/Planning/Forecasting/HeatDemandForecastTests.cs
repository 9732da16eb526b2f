using Energy.Contracts.Prices;
using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Backtesting;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Tests.Planning.Forecasting;

/// <summary>The live heat forecast: the history of real demand, the demand now, the outdoor temperature.</summary>
public sealed class HeatDemandForecastTests
{
    private const string Demand = "bath.heatDemandKw";
    private static readonly DateTimeOffset Now = new(2024, 2, 11, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Quarter = TimeSpan.FromMinutes(15);
    private readonly Site _site = TestSites.Bathhouse();
    private readonly SignalRegistry _signals = new();
    private readonly DemandHistory _history;

    public HeatDemandForecastTests() => _history = new DemandHistory(DemandHistory.SignalsOf(_site), TimeSpan.FromSeconds(1));

    [Fact]
    public void Forecast_NothingObservedYet_HalfTheDesignPeak()
    {
        var outlook = new HeatDemandForecast(_signals, _history).Forecast(_site, Curve(Quarter, 8), Now);

        Assert.All(outlook.Demand["bath"], p => Assert.Equal(375, p.Kilowatts, 9));
        Assert.Equal(["bath"], outlook.DesignPeakLoops);
    }

    [Fact]
    public void Forecast_NoHistoryYet_TheDemandNowFromTheMeters()
    {
        Publish("bath.heatDeliveredKw", 120);
        Publish("bath.boilerKw", 180);
        Publish("bath.heatShortfallKw", 50);

        var outlook = new HeatDemandForecast(_signals, _history).Forecast(_site, Curve(Quarter, 8), Now);

        Assert.All(outlook.Demand["bath"], p => Assert.Equal(350, p.Kilowatts, 9));
        Assert.Equal(HeatForecastBasis.LatestObserved, outlook.Basis["bath"]);
    }

    [Fact]
    public void Forecast_HourlyPrices_EachSlotTheMeanOfItsQuarters()
    {
        for (var k = 0; k < 4; k++)
        {
            _history.Restore(Demand, Now.AddDays(-1) + (Quarter * k), 100 * (k + 1), Now);
        }

        var outlook = new HeatDemandForecast(_signals, _history).Forecast(_site, Curve(TimeSpan.FromHours(1), 1), Now);

        Assert.Equal(250, outlook.Demand["bath"][0].Kilowatts, 9);
    }

    [Fact]
    public void Forecast_LiveAndBacktest_TheSameForecasterGivesTheSameNumbers()
    {
        // Ten days of history in 15-minute slots; the backtest sees the same days as its executed slots.
        var origin = Now - DemandHistory.Kept;
        var measured = (int)(DemandHistory.Kept / Quarter);
        var observed = Enumerable.Repeat(double.NaN, measured + 96).ToArray();
        for (var i = measured - (10 * 96); i < measured; i++)
        {
            observed[i] = 300 + (100 * Math.Sin(2 * Math.PI * i / 96)) + (7 * (i / 96));
            _history.Restore(Demand, origin + (Quarter * i), observed[i], Now);
        }

        var live = new HeatDemandForecast(_signals, _history);
        var liveKw = live.Forecast(_site, Curve(Quarter, 96), Now).Demand["bath"].Select(p => p.Kilowatts).ToArray();
        var series = new BacktestSeries(origin, Quarter, Currency.Eur, new double[observed.Length], new double[observed.Length], null, []);
        var backtest = new Forecaster(series, TestSites.Bathhouse().TimeZone);
        var backtestKw = backtest.HeatKw(Now, observed, measured, 96, 375);

        Assert.IsType<HeatDemandForecaster>(live.Forecaster);
        Assert.IsType<HeatDemandForecaster>(backtest.Heat);
        Assert.Equal(backtestKw.Length, liveKw.Length);
        for (var k = 0; k < liveKw.Length; k++)
        {
            Assert.Equal(backtestKw[k], liveKw[k], 9);
        }

        Assert.Equal(HeatForecastBasis.RecentDaysAndSameWeekday, live.Forecast(_site, Curve(Quarter, 96), Now).Basis["bath"]);
    }

    [Fact]
    public void Forecast_ColderToday_MoreHeatOnlyWhileTheOutdoorReadingIsGood()
    {
        // Eight days in which each kelvin colder needed 20 kW more; today is 4 K colder than yesterday at this hour.
        var origin = Now - DemandHistory.Kept;
        var measured = (int)(DemandHistory.Kept / Quarter);
        for (var i = measured - (8 * 96); i < measured; i++)
        {
            var t = 5 - (i / 96 % 4);
            _history.Restore(SignalNames.OutdoorTemperatureC, origin + (Quarter * i), t, Now);
            _history.Restore(Demand, origin + (Quarter * i), 500 - (20 * t), Now);
        }

        var forecast = new HeatDemandForecast(_signals, _history);
        var plain = forecast.Forecast(_site, Curve(Quarter, 4), Now).Demand["bath"][0].Kilowatts;
        var yesterday = _history.Mean(SignalNames.OutdoorTemperatureC, Now.AddDays(-1))!.Value;
        _signals.Publish(Reading.Good(SignalNames.OutdoorTemperatureC, yesterday - 4, Unit.Celsius, Now, "mqtt"));
        var colder = forecast.Forecast(_site, Curve(Quarter, 4), Now);
        _signals.Publish(Reading.Bad(SignalNames.OutdoorTemperatureC, Unit.Celsius, "payload not a number", Now, "mqtt"));
        var badReading = forecast.Forecast(_site, Curve(Quarter, 4), Now).Demand["bath"][0].Kilowatts;

        // Every copied slot moved to today's temperature: the heat that temperature needed.
        Assert.Equal(500 - (20 * (yesterday - 4)), colder.Demand["bath"][0].Kilowatts, 6);
        Assert.True(colder.Demand["bath"][0].Kilowatts > plain);
        Assert.Contains("bath", colder.TemperatureCorrected);
        Assert.Equal(plain, badReading, 9);
    }

    private void Publish(string signal, double kw) => _signals.Publish(Reading.Good(signal, kw, Unit.Kilowatt, Now, "modbus:test"));

    private PriceCurve Curve(TimeSpan slot, int count) =>
        new(Now, slot, Enumerable.Repeat(EnergyPrice.PerMwh(50, _site.Currency), count).ToList());
}
