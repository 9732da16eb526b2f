using Energy.Contracts.Time;

namespace Energy.Scheduler.Backtesting;

/// <summary>
/// Forecasts with only what an operator had at the decision time <c>now</c>:
/// <list type="bullet">
/// <item>Prices: the day-ahead price where its local day was published (from
/// <see cref="PublicationTime"/> market time on the day before, as <c>PublishedPriceSource</c>);
/// beyond that, the price of the same slot one week earlier (a week back keeps the weekday shape),
/// or a day earlier at the start of the data, always from a published day.</item>
/// <item>Heat demand: the mean of the same slot on the latest measured day and the latest measured
/// same weekday (one week back), from slots that had ended by <c>now</c>. With a temperature series
/// the forecast moves by a heat-vs-temperature slope fitted on the last 28 measured days' daily means,
/// times the difference between the slot's temperature and the temperature of the days it copies; the
/// slot's temperature is taken as a perfect weather forecast (day-ahead temperature forecasts are good
/// to about 1 K).</item>
/// </list>
/// Tenant demand is the contract profile, which the planner reads from the site itself.
/// </summary>
public sealed class Forecaster
{
    private const int RegressionDays = 28;
    private readonly BacktestSeries _actual;
    private readonly TimeZoneInfo _zone;
    private readonly int _day;
    private int _slopeDay = int.MinValue;
    private double _slope;

    public Forecaster(BacktestSeries actual, TimeZoneInfo marketZone, TimeOnly? publicationTime = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(marketZone);
        _actual = actual;
        _zone = marketZone;
        _day = actual.SlotsPerDay;
        PublicationTime = publicationTime ?? new TimeOnly(12, 0);
    }

    public TimeOnly PublicationTime { get; }

    /// <summary>The end of the last local day whose day-ahead prices are published at <paramref name="now"/>.</summary>
    public DateTimeOffset PublishedUntil(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, _zone).DateTime;
        var today = DateOnly.FromDateTime(local);
        var lastPublished = TimeOnly.FromDateTime(local) >= PublicationTime ? today.AddDays(1) : today;
        return MarketCalendar.StartOfLocalDay(lastPublished.AddDays(1), _zone);
    }

    /// <summary>Prices (per MWh, site currency) for <paramref name="count"/> slots from index <paramref name="first"/>, as known at <paramref name="now"/>.</summary>
    public double[] Prices(DateTimeOffset now, int first, int count)
    {
        var published = Math.Min(_actual.Count, _actual.IndexOf(PublishedUntil(now) - TimeSpan.FromTicks(1)) + 1);
        var result = new double[count];
        for (var k = 0; k < count; k++)
        {
            var j = first + k;
            result[k] = j >= 0 && j < published ? _actual.SpotPerMwh[j] : _actual.SpotPerMwh[PriceSource(j, published)];
        }

        return result;
    }

    /// <summary>The published slot a forecast for slot <paramref name="j"/> copies (always below <paramref name="published"/>).</summary>
    internal int PriceSource(int j, int published)
    {
        var week = 7 * _day;
        var source = j - week;
        while (source >= published)
        {
            source -= week;
        }

        if (source >= 0)
        {
            return source;
        }

        source = j - _day;
        while (source >= published)
        {
            source -= _day;
        }

        return source >= 0 ? source : Math.Max(0, published - 1);
    }

    /// <summary>Heat demand (kW, all loops) for <paramref name="count"/> slots from <paramref name="first"/>, as forecast at <paramref name="now"/>.</summary>
    public double[] HeatKw(DateTimeOffset now, int first, int count)
    {
        // Slots measured by now: those that have ended.
        var measured = Math.Min(_actual.Count, Math.Max(0, _actual.IndexOf(now)));
        var slope = _actual.TemperatureC is null ? 0 : Slope(measured);
        var result = new double[count];
        for (var k = 0; k < count; k++)
        {
            var j = first + k;
            var yesterday = Back(j, _day, measured);
            var lastWeek = Back(j, 7 * _day, measured);
            if (yesterday < 0 && lastWeek < 0)
            {
                result[k] = measured > 0 ? _actual.HeatDemandKw[measured - 1] : 0;
                continue;
            }

            var sources = yesterday >= 0 && lastWeek >= 0 ? new[] { yesterday, lastWeek } : [Math.Max(yesterday, lastWeek)];
            var heat = sources.Average(s => _actual.HeatDemandKw[s]);
            if (slope != 0 && j < _actual.Count)
            {
                heat += slope * (_actual.TemperatureC![j] - sources.Average(s => _actual.TemperatureC![s]));
            }

            result[k] = Math.Max(0, heat);
        }

        return result;
    }

    /// <summary>The latest slot j − n·step that was measured, or −1.</summary>
    private static int Back(int j, int step, int measured)
    {
        var source = j - step;
        while (source >= measured)
        {
            source -= step;
        }

        return source;
    }

    /// <summary>Heat per kelvin from daily means of the last measured days; never positive (warmer never needs more heat).</summary>
    private double Slope(int measured)
    {
        var today = measured / _day;
        if (today == _slopeDay)
        {
            return _slope;
        }

        _slopeDay = today;
        var temps = new List<double>();
        var heats = new List<double>();
        for (var d = Math.Max(0, today - RegressionDays); d < today; d++)
        {
            var from = d * _day;
            temps.Add(Mean(_actual.TemperatureC!, from, _day));
            heats.Add(Mean(_actual.HeatDemandKw, from, _day));
        }

        _slope = 0;
        if (temps.Count >= 7)
        {
            var mt = temps.Average();
            var mh = heats.Average();
            var sxx = temps.Sum(t => (t - mt) * (t - mt));
            var sxy = temps.Zip(heats, (t, h) => (t - mt) * (h - mh)).Sum();
            _slope = sxx > 1e-9 ? Math.Min(0, sxy / sxx) : 0;
        }

        return _slope;
    }

    private static double Mean(double[] values, int from, int n)
    {
        var sum = 0.0;
        for (var i = from; i < from + n; i++)
        {
            sum += values[i];
        }

        return sum / n;
    }
}
