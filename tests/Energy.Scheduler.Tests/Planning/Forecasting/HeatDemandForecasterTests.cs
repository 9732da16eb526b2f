using Energy.Scheduler.Planning.Forecasting;

namespace Energy.Scheduler.Tests.Planning.Forecasting;

public sealed class HeatDemandForecasterTests
{
    private const int Day = 24;
    private readonly HeatDemandForecaster _forecaster = new(Day);

    [Fact]
    public void Forecast_IdenticalDays_RepeatsTheirShape()
    {
        var demand = Known(15 * Day, i => 300 + (100 * Math.Sin(2 * Math.PI * i / Day)));
        var measured = 14 * Day + 5;

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, measured, null, measured, 2 * Day, 375));

        for (var k = 0; k < forecast.Kw.Length; k++)
        {
            Assert.Equal(demand[(measured + k) % Day], forecast.Kw[k], 9);
        }

        Assert.Equal(0, forecast.LevelKw, 9);
        Assert.All(forecast.Basis, b => Assert.Equal(HeatForecastBasis.RecentDaysAndSameWeekday, b));
    }

    [Fact]
    public void Forecast_DaysDiffer_WeightsNewerDaysAndTheSameWeekdayMore()
    {
        // The afternoons differ from day to day (day n back: 10·n kW more); the mornings, and so the recent level, do not.
        var days = 15;
        var demand = Known(days * Day, i => 300 + (i % Day >= 12 ? 10 * (days - 1 - (i / Day)) : 0));
        var measured = (days - 1) * Day + 12;

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, measured, null, measured, 12, 375));

        double weights = 0, sum = 0;
        for (var back = 1; back <= HeatDemandForecaster.ProfileDays; back++)
        {
            var w = Math.Pow(HeatDemandForecaster.DayDecay, back - 1) + (back % 7 == 0 ? HeatDemandForecaster.SameWeekdayWeight : 0);
            weights += w;
            sum += w * (300 + (10 * back));
        }

        Assert.Equal(0, forecast.LevelKw, 9);
        Assert.All(forecast.Kw, kw => Assert.Equal(sum / weights, kw, 9));
    }

    [Fact]
    public void Forecast_SameWeekdayHigher_ForecastsThatWeekdayHigher()
    {
        // Three weeks in which one weekday (day index 3 of each week) needs 100 kW more all day.
        var demand = Known(22 * Day, i => 300 + (i / Day % 7 == 3 ? 100 : 0));
        var measured = 17 * Day;   // day 17 is that weekday

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, measured, null, measured, 2 * Day, 375));

        var weekday = forecast.Kw.Take(Day).Average();
        var next = forecast.Kw.Skip(Day).Average();
        Assert.True(weekday - next > 15, $"weekday {weekday:0.#} kW, the day after {next:0.#} kW");
    }

    [Fact]
    public void Forecast_NeverReadsASlotNotYetEnded()
    {
        var demand = Known(16 * Day, i => 200 + (i % Day) + (3 * (i / Day)));
        var measured = 14 * Day + 7;
        var unknown = (double[])demand.Clone();
        var poisoned = (double[])demand.Clone();
        for (var i = measured; i < demand.Length; i++)
        {
            unknown[i] = double.NaN;
            poisoned[i] = 1e9;
        }

        var honest = _forecaster.Forecast(new HeatForecastRequest(unknown, measured, null, measured, 2 * Day, 375));
        var tempted = _forecaster.Forecast(new HeatForecastRequest(poisoned, measured, null, measured, 2 * Day, 375));

        Assert.Equal(honest.Kw, tempted.Kw);
        Assert.All(tempted.Kw, kw => Assert.InRange(kw, 200, 300));
    }

    [Fact]
    public void Forecast_UnknownSlots_LeftOutOfTheMean()
    {
        var demand = Known(15 * Day, _ => 300);
        var measured = 14 * Day;
        for (var back = 1; back <= 5; back++)
        {
            demand[measured - (back * Day)] = double.NaN;
        }

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, measured, null, measured, 1, 375));

        Assert.Equal((300.0, HeatForecastBasis.RecentDaysAndSameWeekday), (forecast.Kw[0], forecast.Basis[0]));
    }

    [Fact]
    public void Forecast_LessThanAWeekOfHistory_RecentDaysAlone()
    {
        var demand = Known(4 * Day, i => 100 + (i % Day));

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, 3 * Day, null, 3 * Day, Day, 375));

        Assert.Equal(100, forecast.Kw[0], 9);
        Assert.All(forecast.Basis, b => Assert.Equal(HeatForecastBasis.RecentDays, b));
    }

    [Fact]
    public void Forecast_OnlyLastWeekKnown_SameWeekdayAlone()
    {
        var demand = Known(9 * Day, _ => double.NaN);
        demand[8 * Day - (7 * Day)] = 420;

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, 8 * Day, null, 8 * Day, 1, 375));

        Assert.Equal((420.0, HeatForecastBasis.SameWeekday), (forecast.Kw[0], forecast.Basis[0]));
    }

    [Fact]
    public void Forecast_TodayAboveItsProfile_TheLevelCarriesOnAndFades()
    {
        // Two weeks at a flat 300 kW; since midnight 50 kW more.
        var demand = Known(16 * Day, i => i >= 14 * Day ? 350 : 300);
        var measured = (14 * Day) + 12;

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, measured, null, measured, 12, 375));

        // The rest of today: its profile is the earlier days' 300 kW; the 50 kW fade with the hours ahead.
        Assert.Equal(50, forecast.LevelKw, 9);
        for (var k = 0; k < forecast.Kw.Length; k++)
        {
            Assert.Equal(300 + (50 * Math.Exp(-(k + 1) / HeatDemandForecaster.LevelFade.TotalHours)), forecast.Kw[k], 9);
        }
    }

    [Fact]
    public void Forecast_QuarterHourSlots_TheLevelFadesByTheHourNotBySlots()
    {
        var quarter = new HeatDemandForecaster(96);
        var hourly = Known(16 * Day, i => i >= 14 * Day ? 350 : 300);
        var quarters = Known(16 * 96, i => i >= 14 * 96 ? 350 : 300);

        var byHour = _forecaster.Forecast(new HeatForecastRequest(hourly, 14 * Day + 12, null, 14 * Day + 12, 24, 375)).Kw;
        var byQuarter = quarter.Forecast(new HeatForecastRequest(quarters, 14 * 96 + 48, null, 14 * 96 + 48, 96, 375)).Kw;

        // The quarter ending with the hour is as far ahead as that hour.
        for (var h = 0; h < 24; h++)
        {
            Assert.Equal(byHour[h], byQuarter[(4 * h) + 3], 9);
        }
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
    public void Forecast_NoDayOldQuarterHours_TheLatestHourMean()
    {
        // Readings that alternate from quarter to quarter: the latest hour's mean, not its last quarter.
        var demand = Known(96, i => i < 10 ? (i % 2 == 0 ? 100 : 300) : double.NaN);

        var forecast = new HeatDemandForecaster(96).Forecast(new HeatForecastRequest(demand, 10, null, 10, 4, 375));

        Assert.All(forecast.Kw, kw => Assert.Equal(200, kw));
    }

    [Fact]
    public void Forecast_NothingObserved_HalfTheDesignPeakAndSaysSo()
    {
        var forecast = _forecaster.Forecast(new HeatForecastRequest(Known(Day, _ => double.NaN), 0, null, 0, 4, 375));

        Assert.All(forecast.Kw, kw => Assert.Equal(375, kw));
        Assert.Equal(HeatForecastBasis.HalfDesignPeak, forecast.Weakest);
    }

    [Fact]
    public void Forecast_ColderThanTheCopiedDays_ForecastsTheHeatOfThatTemperature()
    {
        // Twenty days where each kelvin colder needs 20 kW more; tomorrow is 5 K colder than the day before.
        var days = 20;
        var temperature = Known((days + 1) * Day, i => 10 - (i / Day % 5) + (i % Day / 6.0));
        var demand = Known((days + 1) * Day, i => 500 - (20 * temperature[i]));
        var measured = days * Day;
        var colder = (double[])temperature.Clone();
        for (var j = measured; j < colder.Length; j++)
        {
            colder[j] = temperature[j - Day] - 5;
        }

        var plain = _forecaster.Forecast(new HeatForecastRequest(demand, measured, null, measured, Day, 375));
        var corrected = _forecaster.Forecast(new HeatForecastRequest(demand, measured, colder, measured, Day, 375));

        Assert.Equal(-20, corrected.SlopeKwPerK, 6);
        for (var k = 0; k < Day; k++)
        {
            Assert.Equal(500 - (20 * colder[measured + k]), corrected.Kw[k], 6);
            Assert.True(corrected.Kw[k] > plain.Kw[k]);
        }
    }

    [Fact]
    public void Forecast_TemperatureSharesOnlyTheSeason_NoCorrection()
    {
        // Demand rises steadily as the season cools, but the day-to-day weather does nothing to it: a
        // slope fitted on levels would say "colder, more heat"; on day-to-day changes it finds about none.
        var days = 29;
        var temperature = Known(days * Day, i => 12 - (0.3 * (i / Day)) + (i / Day % 2 == 0 ? 3 : -3));
        var demand = Known(days * Day, i => 300 + (6 * (i / Day)));
        var measured = (days - 1) * Day;

        var forecast = _forecaster.Forecast(new HeatForecastRequest(demand, measured, temperature, measured, Day, 375));

        Assert.InRange(forecast.SlopeKwPerK, -0.5, 0);
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
