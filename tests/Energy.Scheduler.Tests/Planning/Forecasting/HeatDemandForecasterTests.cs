using Energy.Contracts.Units;
using Energy.Scheduler.Planning.Forecasting;

namespace Energy.Scheduler.Tests.Planning.Forecasting;

public sealed class HeatDemandForecasterTests
{
    private const int Day = 24;
    private readonly HeatDemandForecaster _forecaster = new(Day);

    [Fact]
    public void Forecast_YesterdayAndLastWeekKnown_IsTheirMean()
    {
        var demand = Known(10 * Day, i => i);
        var measured = 9 * Day + 5;

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, measured, null, measured, 3, 375));

        Assert.Equal(((measured - Day) + (measured - (7 * Day))) / 2.0, forecast.Kw[0]);
        Assert.All(forecast.Basis, b => Assert.Equal(HeatForecastBasis.YesterdayAndLastWeek, b));
    }

    [Fact]
    public void Forecast_NeverReadsASlotNotYetEnded()
    {
        var demand = Known(12 * Day, i => i);
        var measured = 10 * Day + 7;

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, measured, null, measured, 2 * Day, 375));

        Assert.All(forecast.Kw, kw => Assert.True(kw < measured, $"forecast {kw} copies a slot from {measured} on"));
    }

    [Fact]
    public void Forecast_YesterdayUnknown_GoesBackAnotherDay()
    {
        var demand = Known(10 * Day, i => i);
        var measured = 9 * Day;
        demand[measured - Day] = double.NaN;

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, measured, null, measured, 1, 375));

        Assert.Equal(((measured - (2 * Day)) + (measured - (7 * Day))) / 2.0, forecast.Kw[0]);
    }

    [Fact]
    public void Forecast_LessThanAWeekOfHistory_UsesYesterdayAlone()
    {
        var demand = Known(3 * Day, i => 100 + i);

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, 2 * Day, null, 2 * Day, Day, 375));

        Assert.Equal(100 + Day, forecast.Kw[0]);
        Assert.All(forecast.Basis, b => Assert.Equal(HeatForecastBasis.Yesterday, b));
    }

    [Fact]
    public void Forecast_OnlyLastWeekKnown_UsesLastWeekAlone()
    {
        var demand = Known(9 * Day, _ => double.NaN);
        demand[8 * Day - (7 * Day)] = 420;

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, 8 * Day, null, 8 * Day, 1, 375));

        Assert.Equal((420.0, HeatForecastBasis.LastWeek), (forecast.Kw[0], forecast.Basis[0]));
    }

    [Fact]
    public void Forecast_NoDayOldHistory_LatestObservedThenTheLiveReadingFirst()
    {
        var demand = Known(Day, i => i < 5 ? 200 + i : double.NaN);

        var fromHistory = _forecaster.Forecast(new HeatForecastRequest(demand, 6, null, 6, 4, 375));
        var fromReading = _forecaster.Forecast(new HeatForecastRequest(demand, 6, null, 6, 4, 375, LatestKw: 333));

        Assert.All(fromHistory.Kw, kw => Assert.Equal(204, kw));
        Assert.All(fromHistory.Basis, b => Assert.Equal(HeatForecastBasis.LatestObserved, b));
        Assert.All(fromReading.Kw, kw => Assert.Equal(333, kw));
    }

    [Fact]
    public void Forecast_NothingObserved_HalfTheDesignPeakAndSaysSo()
    {
        var forecast = _forecaster.Forecast(new HeatForecastRequest(Known(Day, _ => double.NaN), 0, null, 0, 4, 375));

        Assert.All(forecast.Kw, kw => Assert.Equal(375, kw));
        Assert.Equal(HeatForecastBasis.HalfDesignPeak, forecast.Weakest);
    }

    [Fact]
    public void Forecast_ColderThanTheCopiedDays_ForecastsMoreHeat()
    {
        // Twenty days where each kelvin colder needs 20 kW more; tomorrow is 5 K colder than the days it copies.
        var days = 20;
        var temperature = Known((days + 1) * Day, i => 10 - (i / Day % 5));
        var demand = Known((days + 1) * Day, i => 500 - (20 * temperature[i]));
        var measured = days * Day;
        var colder = (double[])temperature.Clone();
        for (var j = measured; j < colder.Length; j++)
        {
            colder[j] = temperature[j - Day] - 5;
        }

        var plain = _forecaster.Forecast(new HeatForecastRequest(demand, measured, null, measured, Day, 375));
        var corrected = new HeatDemandForecaster(Day).Forecast(new HeatForecastRequest(demand, measured, colder, measured, Day, 375));

        Assert.Equal(-20, corrected.SlopeKwPerK, 6);
        for (var k = 0; k < Day; k++)
        {
            var copiedT = (temperature[measured + k - Day] + temperature[measured + k - (7 * Day)]) / 2;
            Assert.Equal(plain.Kw[k] + (20 * (copiedT - colder[measured + k])), corrected.Kw[k], 6);
            Assert.True(corrected.Kw[k] > plain.Kw[k]);
        }
    }

    [Fact]
    public void Forecast_HeatRisingWithTemperature_NeverCorrectsUpwardForWarmth()
    {
        // A slope that would say "warmer needs more heat" is physics the forecaster refuses: no correction.
        var temperature = Known(15 * Day, i => i / Day % 4);
        var demand = Known(15 * Day, i => 300 + (30 * temperature[i]));
        var measured = 14 * Day;

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, measured, temperature, measured, Day, 375));

        Assert.Equal(0, forecast.SlopeKwPerK);
    }

    [Fact]
    public void Forecast_UnderAWeekOfTemperatures_NoCorrection()
    {
        var temperature = Known(7 * Day, i => -(i / Day));
        var demand = Known(7 * Day, i => 300 + (10 * (i / Day)));

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, 6 * Day, temperature, 6 * Day, Day, 375));

        Assert.Equal(0, forecast.SlopeKwPerK);
    }

    private static double[] Known(int count, Func<int, double> value) => Enumerable.Range(0, count).Select(value).ToArray();
}
