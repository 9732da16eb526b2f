namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// The one heat-demand forecaster, for the live planner and the backtest alike (pure: everything it
/// knows comes in the <see cref="HeatForecastRequest"/>). Three parts:
/// <list type="number">
/// <item>Profile: the same slot on the last <see cref="ProfileDays"/> days that had ended, weighted
/// <see cref="DayDecay"/>^n from the newest such day (n days older) plus <see cref="SameWeekdayWeight"/> on
/// the days 7 and 14 back (the weekday's shape). Unknown (NaN) slots are left out of the mean.</item>
/// <item>Temperature: each copied slot moves by a heat-vs-temperature slope times the difference between
/// the slot's temperature and the copied one's. The slope is fitted on the day-to-day changes of the daily
/// means of the last <see cref="RegressionDays"/> days (at least <see cref="MinRegressionPairs"/> pairs of
/// consecutive measured days; never positive: warmer never needs more heat). Fitting changes rather than
/// levels measures what a change of weather does to the demand, not the season both share: a temperature
/// series that does not drive this demand gets a slope near 0.</item>
/// <item>Recent level: how far the last hours ran above or below their own profile (weighted
/// e^(−age/<see cref="LevelAge"/>) over <see cref="LevelWindow"/>), added to the forecast fading as
/// e^(−horizon/<see cref="LevelFade"/>): a colder or busier day than its profile tends to go on so.</item>
/// </list>
/// Fallbacks: the mean of the latest observed hour (the live reading first), then half the design peak.
/// Steps are whole UTC days: on the two DST changeover weeks the copied hour is one local hour off.
/// </summary>
public sealed class HeatDemandForecaster
{
    public const int ProfileDays = 14;
    public const double DayDecay = 0.7;
    public const double SameWeekdayWeight = 0.4;
    public const int RegressionDays = 28;
    public const int MinRegressionPairs = 6;

    /// <summary>How far back the recent level is read.</summary>
    public static readonly TimeSpan LevelWindow = TimeSpan.FromHours(12);

    /// <summary>Time constant of the recent level's weights by age.</summary>
    public static readonly TimeSpan LevelAge = TimeSpan.FromHours(4);

    /// <summary>Time constant with which the recent level fades into the profile ahead.</summary>
    public static readonly TimeSpan LevelFade = TimeSpan.FromHours(24);

    private readonly int _day;
    private readonly double _slotHours;
    private readonly double[] _weights;

    public HeatDemandForecaster(int slotsPerDay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slotsPerDay, 1);
        _day = slotsPerDay;
        _slotHours = 24.0 / slotsPerDay;

        // Weight of the day n days older than the newest usable one, and the extra of a same weekday.
        _weights = new double[ProfileDays + 7];
        for (var n = 0; n < _weights.Length; n++)
        {
            _weights[n] = Math.Pow(DayDecay, n);
        }
    }

    public int SlotsPerDay => _day;

    public HeatForecast Forecast(HeatForecastRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var demand = request.DemandKw;
        var measured = Math.Clamp(request.Measured, 0, demand.Length);
        var temperature = request.TemperatureC;
        var slope = temperature is null ? 0 : Slope(demand, temperature, measured);
        var level = Level(demand, measured, temperature, slope);
        var kw = new double[request.Count];
        var basis = new HeatForecastBasis[request.Count];
        double? latest = null;
        for (var k = 0; k < request.Count; k++)
        {
            var j = request.First + k;
            var (profile, used) = Profile(demand, j, measured, temperature, slope);
            if (used is null)
            {
                latest ??= request.LatestKw ?? LatestHour(demand, measured);
                (kw[k], basis[k]) = latest is { } value
                    ? (Math.Max(0, value), HeatForecastBasis.LatestObserved)
                    : (Math.Max(0, request.FallbackKw), HeatForecastBasis.HalfDesignPeak);
                continue;
            }

            basis[k] = used.Value;
            var hoursAhead = (j - measured + 1) * _slotHours;
            kw[k] = Math.Max(0, profile + (level * Math.Exp(-Math.Max(0, hoursAhead) / LevelFade.TotalHours)));
        }

        return new HeatForecast(kw, basis, slope, level);
    }

    /// <summary>
    /// The weighted mean of slot <paramref name="j"/> on earlier days, each below <paramref name="limit"/>,
    /// moved by the temperature; what it was made from, null when no such slot is known.
    /// </summary>
    private (double Kw, HeatForecastBasis? Basis) Profile(double[] demand, int j, int limit, double[]? temperature, double slope)
    {
        // The newest day back whose slot had ended: j − newest·day < limit.
        var newest = Math.Max(1, ((j - limit) / _day) + 1);
        var oldest = Math.Max(ProfileDays, newest + 6);
        var target = slope != 0 && j >= 0 && j < temperature!.Length ? temperature[j] : double.NaN;
        double weights = 0, sum = 0;
        bool recent = false, weekday = false;
        for (var back = newest; back <= oldest; back++)
        {
            var s = j - (back * _day);
            if (s < 0)
            {
                break;
            }

            var value = demand[s];
            if (double.IsNaN(value))
            {
                continue;
            }

            var sameWeekday = back % 7 == 0;
            var w = _weights[back - newest] + (sameWeekday ? SameWeekdayWeight : 0);
            if (!double.IsNaN(target) && s < temperature!.Length && !double.IsNaN(temperature[s]))
            {
                value += slope * (target - temperature[s]);
            }

            weights += w;
            sum += w * value;
            recent |= !sameWeekday;
            weekday |= sameWeekday;
        }

        HeatForecastBasis? basis = weights == 0 ? null
            : recent && weekday ? HeatForecastBasis.RecentDaysAndSameWeekday
            : recent ? HeatForecastBasis.RecentDays
            : HeatForecastBasis.SameWeekday;
        return (weights > 0 ? sum / weights : double.NaN, basis);
    }

    /// <summary>The age-weighted mean of how far the recent measured slots ran from their own profile (kW); 0 when none is known.</summary>
    private double Level(double[] demand, int measured, double[]? temperature, double slope)
    {
        var window = Math.Max(1, (int)Math.Round(LevelWindow.TotalHours / _slotHours));
        double weights = 0, sum = 0;
        for (var age = 0; age < window && measured - 1 - age >= 0; age++)
        {
            var i = measured - 1 - age;
            if (double.IsNaN(demand[i]))
            {
                continue;
            }

            var (profile, basis) = Profile(demand, i, i + 1, temperature, slope);
            if (basis is null)
            {
                continue;
            }

            var w = Math.Exp(-age * _slotHours / LevelAge.TotalHours);
            weights += w;
            sum += w * (demand[i] - profile);
        }

        return weights > 0 ? sum / weights : 0;
    }

    /// <summary>The mean of the known slots in the hour up to the latest known one; null when none is known.</summary>
    private double? LatestHour(double[] demand, int measured)
    {
        var hour = Math.Max(1, _day / 24);
        for (var i = measured - 1; i >= 0; i--)
        {
            if (double.IsNaN(demand[i]))
            {
                continue;
            }

            double sum = 0;
            var n = 0;
            for (var s = i; s > i - hour && s >= 0; s--)
            {
                if (!double.IsNaN(demand[s]))
                {
                    sum += demand[s];
                    n++;
                }
            }

            return sum / n;
        }

        return null;
    }

    /// <summary>Heat per kelvin: least squares through the origin of the day-to-day changes of daily means.</summary>
    private double Slope(double[] demand, double[] temperature, int measured)
    {
        var today = measured / _day;
        double sxx = 0, sxy = 0;
        var pairs = 0;
        (double Temperature, double Heat)? previous = null;
        for (var d = Math.Max(0, today - RegressionDays); d < today; d++)
        {
            var day = DailyMeans(demand, temperature, d * _day);
            if (day is { } now && previous is { } before)
            {
                var dt = now.Temperature - before.Temperature;
                sxx += dt * dt;
                sxy += dt * (now.Heat - before.Heat);
                pairs++;
            }

            previous = day;
        }

        return pairs >= MinRegressionPairs && sxx > 1e-9 ? Math.Min(0, sxy / sxx) : 0;
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
