namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// The one heat-demand forecaster, for the live planner and the backtest alike (pure: everything it
/// knows comes in the <see cref="HeatForecastRequest"/>). A slot's demand is the mean of the same slot
/// yesterday and the same slot a week earlier (a week back keeps the weekday's shape), each the latest
/// such slot that had ended and was observed. With temperatures, it moves by a heat-vs-temperature slope
/// fitted on the daily means of the last 28 measured days (at least 7; never positive: warmer never
/// needs more heat) times the difference between the slot's temperature and that of the slots it copies.
/// Fallbacks, in order: one of the two sources alone, the latest observed demand, half the design peak.
/// Steps are whole UTC days: on the two DST changeover weeks the copied hour is one local hour off.
/// </summary>
public sealed class HeatDemandForecaster
{
    public const int RegressionDays = 28;
    public const int MinRegressionDays = 7;

    /// <summary>Unknown source slots skipped further back: "yesterday" reaches back 6 days at most (day 7 is last week's), "last week" 3 weeks.</summary>
    private const int DaysBack = 5;
    private const int WeeksBack = 2;

    private readonly int _day;
    private readonly Lock _gate = new();
    private (double[]? Demand, double[]? Temperature, int Day, double Slope) _slope = (null, null, int.MinValue, 0);

    public HeatDemandForecaster(int slotsPerDay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slotsPerDay, 1);
        _day = slotsPerDay;
    }

    public int SlotsPerDay => _day;

    public HeatForecast Forecast(HeatForecastRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var demand = request.DemandKw;
        var measured = Math.Clamp(request.Measured, 0, demand.Length);
        var temperature = request.TemperatureC;
        var slope = temperature is null ? 0 : Slope(demand, temperature, measured);
        var kw = new double[request.Count];
        var basis = new HeatForecastBasis[request.Count];
        double? latest = null;
        for (var k = 0; k < request.Count; k++)
        {
            var j = request.First + k;
            var yesterday = Source(demand, j, _day, measured, DaysBack);
            var lastWeek = Source(demand, j, 7 * _day, measured, WeeksBack);
            if (yesterday < 0 && lastWeek < 0)
            {
                latest ??= request.LatestKw ?? LatestObserved(demand, measured);
                (kw[k], basis[k]) = latest is { } value
                    ? (Math.Max(0, value), HeatForecastBasis.LatestObserved)
                    : (Math.Max(0, request.FallbackKw), HeatForecastBasis.HalfDesignPeak);
                continue;
            }

            int[] sources = yesterday >= 0 && lastWeek >= 0 ? [yesterday, lastWeek] : [Math.Max(yesterday, lastWeek)];
            basis[k] = sources.Length == 2 ? HeatForecastBasis.YesterdayAndLastWeek
                : yesterday >= 0 ? HeatForecastBasis.Yesterday : HeatForecastBasis.LastWeek;
            var heat = sources.Average(s => demand[s]);
            if (slope != 0 && j >= 0 && j < temperature!.Length)
            {
                var copied = sources.Average(s => temperature[s]);
                var difference = temperature[j] - copied;
                if (double.IsFinite(difference))
                {
                    heat += slope * difference;
                }
            }

            kw[k] = Math.Max(0, heat);
        }

        return new HeatForecast(kw, basis, slope);
    }

    /// <summary>The latest j − n·step that had ended and is known, skipping at most <paramref name="skip"/> unknown ones; −1 for none.</summary>
    private static int Source(double[] demand, int j, int step, int measured, int skip)
    {
        var source = j - step;
        while (source >= measured)
        {
            source -= step;
        }

        for (var n = 0; source >= 0 && double.IsNaN(demand[source]) && n < skip; n++)
        {
            source -= step;
        }

        return source >= 0 && !double.IsNaN(demand[source]) ? source : -1;
    }

    private static double? LatestObserved(double[] demand, int measured)
    {
        for (var i = measured - 1; i >= 0; i--)
        {
            if (!double.IsNaN(demand[i]))
            {
                return demand[i];
            }
        }

        return null;
    }

    /// <summary>Heat per kelvin from the daily means of the last measured days; cached per day for the same history.</summary>
    private double Slope(double[] demand, double[] temperature, int measured)
    {
        var today = measured / _day;
        lock (_gate)
        {
            if (ReferenceEquals(_slope.Demand, demand) && ReferenceEquals(_slope.Temperature, temperature) && _slope.Day == today)
            {
                return _slope.Slope;
            }
        }

        var temps = new List<double>();
        var heats = new List<double>();
        for (var d = Math.Max(0, today - RegressionDays); d < today; d++)
        {
            if (DailyMeans(demand, temperature, d * _day) is { } day)
            {
                temps.Add(day.Temperature);
                heats.Add(day.Heat);
            }
        }

        var slope = 0.0;
        if (temps.Count >= MinRegressionDays)
        {
            var mt = temps.Average();
            var mh = heats.Average();
            var sxx = temps.Sum(t => (t - mt) * (t - mt));
            var sxy = temps.Zip(heats, (t, h) => (t - mt) * (h - mh)).Sum();
            slope = sxx > 1e-9 ? Math.Min(0, sxy / sxx) : 0;
        }

        lock (_gate)
        {
            _slope = (demand, temperature, today, slope);
        }

        return slope;
    }

    /// <summary>Means over one day's slots where both are known; null when under half of them are.</summary>
    private (double Temperature, double Heat)? DailyMeans(double[] demand, double[] temperature, int from)
    {
        double t = 0, h = 0;
        var n = 0;
        for (var i = from; i < from + _day && i < demand.Length && i < temperature.Length; i++)
        {
            if (!double.IsNaN(demand[i]) && !double.IsNaN(temperature[i]))
            {
                t += temperature[i];
                h += demand[i];
                n++;
            }
        }

        return 2 * n >= _day && n > 0 ? (t / n, h / n) : null;
    }
}
