using System.Globalization;
using Energy.Contracts.Sites;
using Energy.Scheduler.Planning;

namespace Energy.Scheduler.Backtesting;

/// <summary>Turns mining-value series into per-slot values per MWh of GPU energy, by (workload, pool).</summary>
public static class MiningValueAlignment
{
    /// <summary>Reads a series for the backtest: <see cref="MiningValueSeries.Read"/>, its errors as <see cref="BacktestInputException"/>.</summary>
    public static MiningValueSeries Read(string path)
    {
        try
        {
            return MiningValueSeries.Read(path);
        }
        catch (MiningValueException e)
        {
            throw new BacktestInputException(e.Message, e);
        }
    }

    /// <summary>
    /// Values for <paramref name="count"/> slots from <paramref name="start"/>: each slot takes the value in force at
    /// its start; slots before the series' first row take its first value and slots after its last row hold the
    /// last, both said in <paramref name="notes"/> with any gap in the series.
    /// </summary>
    /// <exception cref="BacktestInputException">The series does not overlap the slots, or cannot be converted.</exception>
    public static Dictionary<(string Workload, string Pool), double[]> Align(
        Site site, IReadOnlyList<(MiningWorkload Workload, MiningValueSeries Series, double? Fx, string FxOption)> sources,
        DateTimeOffset start, int count, TimeSpan slotLength, List<string> notes)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(notes);
        var result = new Dictionary<(string Workload, string Pool), double[]>();
        var end = start + (slotLength * count);
        var described = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (workload, series, fx, fxOption) in sources)
        {
            if (series.First >= end || series.Last + TimeSpan.FromDays(1) <= start)
            {
                throw new BacktestInputException($"{series.Source}: the series covers {series.First:yyyy-MM-dd}..{series.Last:yyyy-MM-dd}, "
                    + $"which does not overlap the backtest's {start:yyyy-MM-dd}..{end:yyyy-MM-dd}");
            }

            var values = series.ValuesAt(start, slotLength, count);
            var starts = Enumerable.Range(0, count).Select(i => start + (slotLength * i)).ToList();
            var before = starts.Count(at => series.At(at) is null);
            var after = starts.Count(at => at >= series.Last + TimeSpan.FromDays(1));

            foreach (var pool in site.Pools.Where(workload.MayRunOn))
            {
                double factor;
                try
                {
                    factor = series.PerMwhFactor(site.Currency, workload, pool, fx, fxOption);
                }
                catch (MiningValueException e)
                {
                    throw new BacktestInputException(e.Message, e);
                }

                result[(workload.Name, pool.Name)] = Array.ConvertAll(values, v => v * factor);
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Mining value of {workload.Name} on {pool.Name}: {series.Column} of {Path.GetFileName(series.Source)} × {factor:G4} "
                    + $"= {values.Average() * factor:0.####} {site.Currency.Code}/MWh on average{Describe(series, workload, pool)}."));
            }

            if (described.Add(series.Source))
            {
                if (before > 0)
                {
                    notes.Add($"{before} slots before the mining value series starts ({series.First:yyyy-MM-ddTHH:mmZ}) take its first value.");
                }

                if (after > 0)
                {
                    notes.Add($"{after} slots more than a day after the mining value series ends ({series.Last:yyyy-MM-ddTHH:mmZ}) hold its last value.");
                }

                if (series.Gaps() is { Count: > 0 } gaps)
                {
                    notes.Add($"The mining value series has {gaps.Count} gaps longer than {MiningValueSeries.GapAfter.TotalDays:0} days, each held at the value before it: {string.Join(", ", gaps.Take(5))}.");
                }
            }
        }

        return result;
    }

    private static string Describe(MiningValueSeries series, MiningWorkload workload, GpuPool pool) =>
        series.Unit == MiningValueUnit.HashpricePerThDay && workload.HashRateOn(pool) is { } rate
            ? string.Create(CultureInfo.InvariantCulture, $" (SHA-256d {rate.GhPerSecond:0.##} GH/s per GPU at {rate.PowerW ?? pool.MaxPowerPerGpu.Watts:0} W, {rate.Source})")
            : string.Empty;
}
