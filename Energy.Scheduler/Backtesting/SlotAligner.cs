namespace Energy.Scheduler.Backtesting;

/// <summary>
/// Lays a measurement series onto price slots. Each source row covers [start, start + its step); a
/// slot gets the time-weighted mean of the non-empty rows overlapping it, so 15-minute heat becomes
/// hourly means and hourly temperatures hold for each quarter-hour. A series from another period is
/// aligned by calendar: a slot takes the source's value at the same local time of day on a day of the
/// same month and the same ISO weekday, the nearest such day of month first, the nearest source year
/// first (the shared data README's recipe); a day without data there falls to the next such day.
/// </summary>
public static class SlotAligner
{
    /// <param name="series">The source rows.</param>
    /// <param name="start">UTC start of the first price slot.</param>
    /// <param name="count">Number of price slots.</param>
    /// <param name="slotLength">The price slots' length.</param>
    /// <param name="zone">The site's time zone: calendar alignment uses local time.</param>
    public static AlignedSeries Align(TimedSeries series, DateTimeOffset start, int count, TimeSpan slotLength, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(zone);
        var direct = Average(series, start.UtcTicks, count, slotLength);
        var covered = direct.Count(v => !double.IsNaN(v));
        if (covered * 2 >= count)
        {
            return new AlignedSeries(direct, "same period: time-weighted mean of the source rows in each slot", series.EmptyRows);
        }

        return new AlignedSeries(ByCalendar(series, start, count, slotLength, zone),
            "calendar alignment: the same local time of day on a day of the same month and ISO weekday (nearest day of month, nearest source year first), "
            + "source rows averaged into slots first", series.EmptyRows);
    }

    /// <summary>Time-weighted mean of the rows overlapping each slot of a grid; NaN where none has a value.</summary>
    internal static double[] Average(TimedSeries series, long startTicks, int count, TimeSpan slotLength)
    {
        var sum = new double[count];
        var weight = new double[count];
        var step = series.Step.Ticks;
        var slot = slotLength.Ticks;
        for (var r = 0; r < series.Ticks.Length; r++)
        {
            var value = series.Values[r];
            if (double.IsNaN(value))
            {
                continue;
            }

            // A row's interval ends at the next row or after one step, whichever is first.
            var from = series.Ticks[r];
            var to = r + 1 < series.Ticks.Length ? Math.Min(series.Ticks[r + 1], from + step) : from + step;
            var first = Math.Max(0, FloorDiv(from - startTicks, slot));
            var last = Math.Min(count - 1, FloorDiv(to - 1 - startTicks, slot));
            for (var i = first; i <= last; i++)
            {
                var s = startTicks + (i * slot);
                var overlap = Math.Min(to, s + slot) - Math.Max(from, s);
                if (overlap > 0)
                {
                    sum[i] += value * overlap;
                    weight[i] += overlap;
                }
            }
        }

        var result = new double[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = weight[i] > 0 ? sum[i] / weight[i] : double.NaN;
        }

        return result;
    }

    private static double[] ByCalendar(TimedSeries series, DateTimeOffset start, int count, TimeSpan slotLength, TimeZoneInfo zone)
    {
        // The source on its own grid of the same slot length, keyed by local wall-clock time.
        var result = new double[count];
        Array.Fill(result, double.NaN);
        if (series.Ticks.Length == 0)
        {
            return result;
        }

        var sourceStart = series.Ticks[0] - (series.Ticks[0] % slotLength.Ticks);
        var sourceCount = (int)((series.Ticks[^1] - sourceStart) / slotLength.Ticks) + 1;
        var averaged = Average(series, sourceStart, sourceCount, slotLength);
        var byLocal = new Dictionary<DateTime, (double Sum, int N)>(sourceCount);
        for (var i = 0; i < sourceCount; i++)
        {
            if (double.IsNaN(averaged[i]))
            {
                continue;
            }

            var local = TimeZoneInfo.ConvertTime(new DateTimeOffset(sourceStart + (i * slotLength.Ticks), TimeSpan.Zero), zone).DateTime;
            var held = byLocal.GetValueOrDefault(local);
            byLocal[local] = (held.Sum + averaged[i], held.N + 1);
        }

        var years = byLocal.Keys.Select(k => k.Year).Distinct().ToArray();
        for (var i = 0; i < count; i++)
        {
            var local = TimeZoneInfo.ConvertTime(start + (slotLength * i), zone).DateTime;
            foreach (var year in years.OrderBy(y => Math.Abs(y - local.Year)).ThenByDescending(y => y))
            {
                if (TryMatch(byLocal, local, year, out var value))
                {
                    result[i] = value;
                    break;
                }
            }
        }

        return result;
    }

    private static bool TryMatch(Dictionary<DateTime, (double Sum, int N)> byLocal, DateTime target, int year, out double value)
    {
        var days = DateTime.DaysInMonth(year, target.Month);
        var candidates = Enumerable.Range(1, days)
            .Select(d => new DateTime(year, target.Month, d, 0, 0, 0, DateTimeKind.Unspecified))
            .Where(d => d.DayOfWeek == target.DayOfWeek)
            .OrderBy(d => Math.Abs(d.Day - target.Day))
            .ThenBy(d => d.Day);
        foreach (var day in candidates)
        {
            if (byLocal.TryGetValue(day + target.TimeOfDay, out var held))
            {
                value = held.Sum / held.N;
                return true;
            }
        }

        value = double.NaN;
        return false;
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
