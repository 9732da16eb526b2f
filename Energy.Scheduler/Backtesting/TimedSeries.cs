namespace Energy.Scheduler.Backtesting;

/// <summary>One column of a measurement file: UTC interval starts and values (NaN where the cell was empty).</summary>
/// <param name="Source">The file, as given.</param>
/// <param name="Column">The column read.</param>
/// <param name="Ticks">UTC ticks of each row's interval start, ascending.</param>
/// <param name="Values">The values, already in the unit the caller asked for.</param>
public sealed record TimedSeries(string Source, string Column, long[] Ticks, double[] Values)
{
    /// <summary>Rows whose cell was empty: gaps in the source.</summary>
    public int EmptyRows => Values.Count(double.IsNaN);

    /// <summary>The most common step between rows: the series' own resolution.</summary>
    public TimeSpan Step
    {
        get
        {
            if (Ticks.Length < 2)
            {
                return TimeSpan.FromHours(1);
            }

            var steps = new Dictionary<long, int>();
            for (var i = 1; i < Ticks.Length; i++)
            {
                var d = Ticks[i] - Ticks[i - 1];
                steps[d] = steps.GetValueOrDefault(d) + 1;
            }

            return TimeSpan.FromTicks(steps.OrderByDescending(s => s.Value).ThenBy(s => s.Key).First().Key);
        }
    }
}
