namespace Energy.Scheduler.Backtesting;

/// <summary>
/// Tells instantaneous meter readings from interval means. A sub-hourly series whose consecutive changes
/// are strongly anti-correlated (lag-1 autocorrelation of its first differences below
/// <see cref="AlternationThreshold"/>; white noise on a smooth load gives −0.5, a load's own changes are
/// positively correlated) jumps up and down from one row to the next: those are samples of a load, not
/// what it drew over each interval. Such a series is averaged over each clock hour (UTC) before it is laid
/// onto slots, so a 15-minute backtest does not pay for, nor let perfect foresight exploit, sampling noise.
/// An hourly backtest sees the same hourly means either way.
/// </summary>
public static class SampledSeries
{
    /// <summary>Below this lag-1 autocorrelation of first differences a sub-hourly series counts as instantaneous samples.</summary>
    public const double AlternationThreshold = -0.35;

    /// <summary>The lag-1 autocorrelation of the series' first differences over consecutive rows one step apart (NaN with too few).</summary>
    public static double ChangeAutocorrelation(TimedSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var step = series.Step.Ticks;
        var changes = new List<(int Row, double Change)>();
        for (var i = 1; i < series.Values.Length; i++)
        {
            if (series.Ticks[i] - series.Ticks[i - 1] == step && double.IsFinite(series.Values[i]) && double.IsFinite(series.Values[i - 1]))
            {
                changes.Add((i, series.Values[i] - series.Values[i - 1]));
            }
        }

        if (changes.Count < 96)
        {
            return double.NaN;
        }

        var mean = changes.Average(c => c.Change);
        double num = 0, den = 0;
        for (var k = 0; k < changes.Count; k++)
        {
            var d = changes[k].Change - mean;
            den += d * d;
            if (k > 0 && changes[k].Row == changes[k - 1].Row + 1)
            {
                num += d * (changes[k - 1].Change - mean);
            }
        }

        return den > 0 ? num / den : double.NaN;
    }

    /// <summary>
    /// The series as hourly means held over its rows when it is sub-hourly and alternates (see the type); else
    /// itself. <paramref name="autocorrelation"/> is what was measured (NaN where not measured).
    /// </summary>
    public static TimedSeries HourlyMeansIfSampled(TimedSeries series, out double autocorrelation)
    {
        ArgumentNullException.ThrowIfNull(series);
        autocorrelation = double.NaN;
        if (series.Step >= TimeSpan.FromHours(1))
        {
            return series;
        }

        autocorrelation = ChangeAutocorrelation(series);
        if (!(autocorrelation < AlternationThreshold))
        {
            return series;
        }

        // Each row takes the (time-weighted) mean of its clock hour; a gap stays a gap.
        var hour = TimeSpan.TicksPerHour;
        var firstHour = series.Ticks[0] / hour * hour;
        var hours = (int)((series.Ticks[^1] - firstHour) / hour) + 1;
        var hourly = SlotAligner.Average(series, firstHour, hours, TimeSpan.FromHours(1));
        var means = new double[series.Values.Length];
        for (var r = 0; r < means.Length; r++)
        {
            means[r] = double.IsFinite(series.Values[r]) ? hourly[(int)((series.Ticks[r] - firstHour) / hour)] : double.NaN;
        }

        return series with { Values = means };
    }
}
