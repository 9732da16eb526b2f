using Energy.Contracts.Time;
using Energy.Scheduler.Planning.Forecasting;

namespace Energy.Scheduler.Backtesting;

/// <summary>
/// Forecasts with only what an operator had at the decision time <c>now</c>:
/// <list type="bullet">
/// <item>Prices: the day-ahead price where its local day was published (from
/// <see cref="PublicationTime"/> market time on the day before, as <c>PublishedPriceSource</c>);
/// beyond that, the price of the same slot one week earlier (a week back keeps the weekday shape),
/// or a day earlier at the start of the data, always from a published day.</item>
/// <item>Heat demand: the live planner's <see cref="HeatDemandForecaster"/> (same code: recent days'
/// profile, temperature slope, recent level), over the demand observed in the slots that had ended by <c>now</c>. The outdoor temperature series is its outlook,
/// a perfect weather forecast (day-ahead temperature forecasts are good to about 1 K).</item>
/// </list>
/// Tenant demand is the contract profile, which the planner reads from the site itself.
/// </summary>
public sealed class Forecaster
{
    private readonly BacktestSeries _actual;
    private readonly TimeZoneInfo _zone;
    private readonly int _day;

    public Forecaster(BacktestSeries actual, TimeZoneInfo marketZone, TimeOnly? publicationTime = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(marketZone);
        _actual = actual;
        _zone = marketZone;
        _day = actual.SlotsPerDay;
        PublicationTime = publicationTime ?? new TimeOnly(12, 0);
        Heat = new HeatDemandForecaster(_day);
    }

    /// <summary>The heat-demand forecaster, the live planner's type.</summary>
    public HeatDemandForecaster Heat { get; }

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

    /// <summary>
    /// One loop's heat demand (kW) for <paramref name="count"/> slots from <paramref name="first"/>, as
    /// forecast at <paramref name="now"/> by the live planner's <see cref="HeatDemandForecaster"/> from
    /// <paramref name="observedKw"/>: the demand observed in the slots executed so far (NaN where unknown).
    /// </summary>
    public double[] HeatKw(DateTimeOffset now, double[] observedKw, int first, int count, double fallbackKw)
    {
        ArgumentNullException.ThrowIfNull(observedKw);

        // Slots measured by now: those that have ended.
        var measured = Math.Min(_actual.Count, Math.Max(0, _actual.IndexOf(now)));
        return Heat.Forecast(new HeatForecastRequest(observedKw, measured, _actual.TemperatureC, first, count, fallbackKw)).Kw;
    }
}
