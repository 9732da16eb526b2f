using System.Globalization;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Backtesting;

/// <summary>What the series' values are.</summary>
public enum MiningValueUnit
{
    /// <summary><c>hashprice_&lt;cur&gt;_per_th_day</c>: revenue per TH/s of SHA-256d per day (BTC price, difficulty and fees).</summary>
    HashpricePerThDay,

    /// <summary><c>value_&lt;cur&gt;_per_mwh</c>: what a MWh of GPU energy earns, directly.</summary>
    ValuePerMwh,
}

/// <summary>
/// A mining-value series in the shared data format: <c>timestamp_utc</c> (UTC start of the interval the value
/// holds from) and one column, <c>hashprice_&lt;cur&gt;_per_th_day</c> or <c>value_&lt;cur&gt;_per_mwh</c>. A value holds
/// until the next row (hashprice moves with the BTC price within a difficulty epoch and jumps at adjustments).
/// Empty cells are gaps, held over by the value before; unreadable rows are errors naming FILE:LINE.
/// </summary>
public sealed record MiningValueSeries(string Source, string Column, MiningValueUnit Unit, Currency Currency, long[] Ticks, double[] Values)
{
    /// <summary>Rows longer apart than this are reported as a gap in the series.</summary>
    public static readonly TimeSpan GapAfter = TimeSpan.FromDays(2);

    /// <summary>Reads and checks a file.</summary>
    /// <exception cref="BacktestInputException">The file cannot be used; the message names FILE:LINE and why.</exception>
    public static MiningValueSeries Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var names = SeriesCsvReader.Header(path);
        MiningValueUnit? unit = null;
        Currency currency = default;
        var column = -1;
        for (var i = 1; i < names.Length && column < 0; i++)
        {
            if (Parse(names[i], "hashprice_", "_per_th_day", out currency))
            {
                (column, unit) = (i, MiningValueUnit.HashpricePerThDay);
            }
            else if (Parse(names[i], "value_", "_per_mwh", out currency))
            {
                (column, unit) = (i, MiningValueUnit.ValuePerMwh);
            }
        }

        if (unit is null)
        {
            throw new BacktestInputException($"{path}:1: no mining value column among '{string.Join(",", names)}'; "
                + "expected hashprice_<cur>_per_th_day (revenue per TH/s per day, e.g. hashprice_usd_per_th_day) or value_<cur>_per_mwh");
        }

        var read = SeriesCsvReader.Read(path, column, 1);
        if (read.Ticks.Length == 0)
        {
            throw new BacktestInputException($"{path}: no rows after the header");
        }

        var line = Array.FindIndex(read.Values, v => v < 0);
        if (line >= 0)
        {
            throw new BacktestInputException(string.Create(CultureInfo.InvariantCulture,
                $"{path}: the value {read.Values[line]} at {new DateTimeOffset(read.Ticks[line], TimeSpan.Zero):yyyy-MM-ddTHH:mm:ssZ} is negative; mining earns zero or more"));
        }

        if (read.Values.All(double.IsNaN))
        {
            throw new BacktestInputException($"{path}: every '{read.Column}' cell is empty");
        }

        return new MiningValueSeries(path, read.Column, unit.Value, currency, read.Ticks, read.Values);
    }

    /// <summary>The first row's instant.</summary>
    public DateTimeOffset First => new(Ticks[0], TimeSpan.Zero);

    /// <summary>The last row's instant.</summary>
    public DateTimeOffset Last => new(Ticks[^1], TimeSpan.Zero);

    /// <summary>Gaps between rows longer than <see cref="GapAfter"/> (and empty cells), as "FROM..TO" texts.</summary>
    public IReadOnlyList<string> Gaps()
    {
        var gaps = new List<string>();
        var known = -1;
        for (var i = 0; i < Ticks.Length; i++)
        {
            if (double.IsNaN(Values[i]))
            {
                continue;
            }

            if (known >= 0 && Ticks[i] - Ticks[known] > GapAfter.Ticks)
            {
                gaps.Add($"{new DateTimeOffset(Ticks[known], TimeSpan.Zero):yyyy-MM-ddTHH:mmZ}..{new DateTimeOffset(Ticks[i], TimeSpan.Zero):yyyy-MM-ddTHH:mmZ}");
            }

            known = i;
        }

        return gaps;
    }

    /// <summary>The value in force at <paramref name="instant"/>: that of the last row with a value at or before it; null before the first.</summary>
    public double? At(DateTimeOffset instant)
    {
        var i = Array.BinarySearch(Ticks, instant.UtcTicks);
        if (i < 0)
        {
            i = ~i - 1;
        }

        for (; i >= 0; i--)
        {
            if (!double.IsNaN(Values[i]))
            {
                return Values[i];
            }
        }

        return null;
    }

    /// <summary>The first value that is not a gap (what slots before the series' start are given, with a note).</summary>
    public double FirstValue => Values.First(v => !double.IsNaN(v));

    /// <summary>
    /// Factor from this series' value to a value per MWh of GPU energy in the site currency, for
    /// <paramref name="workload"/> on <paramref name="pool"/>: the currency rate, and for hashprice the pool's
    /// SHA-256d hash rate per GPU over its energy per GPU-day.
    /// </summary>
    /// <param name="fx">Site currency per unit of the series' currency; required when they differ.</param>
    /// <param name="fxOption">How the rate is given, for the message (e.g. --mining-fx or valueFx).</param>
    /// <exception cref="BacktestInputException">The currency differs without a rate, or no hash rate is known for the pool's GPU.</exception>
    public double PerMwhFactor(Currency siteCurrency, MiningWorkload workload, GpuPool pool, double? fx, string fxOption)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(pool);
        var rate = 1.0;
        if (Currency != siteCurrency)
        {
            rate = fx ?? throw new BacktestInputException($"{Source}: the mining value is in {Currency.Code}, but the site accounts in {siteCurrency.Code}: "
                + $"give {fxOption} RATE ({siteCurrency.Code} per {Currency.Code}) to convert it");
            if (!double.IsFinite(rate) || rate <= 0)
            {
                throw new BacktestInputException(string.Create(CultureInfo.InvariantCulture, $"{fxOption}: expected a positive rate ({siteCurrency.Code} per {Currency.Code}), got {rate}"));
            }
        }

        if (Unit == MiningValueUnit.ValuePerMwh)
        {
            return rate;
        }

        var hash = workload.HashRateOn(pool)
            ?? throw new BacktestInputException($"{Source}: a hashprice series needs the SHA-256d hash rate of pool '{pool.Name}' ({pool.GpuModel}), which is not modelled: "
                + $"give hashRateGhPerGpu (and hashPowerW) on workload '{workload.Name}', or a value_<cur>_per_mwh series");
        return rate * hash.ValuePerMwh(1, pool);
    }

    private static bool Parse(string name, string prefix, string suffix, out Currency currency)
    {
        currency = default;
        return name.Length == prefix.Length + 3 + suffix.Length
            && name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal)
            && Currency.TryParse(name.Substring(prefix.Length, 3), out currency);
    }
}

/// <summary>Turns mining-value series into per-slot values per MWh of GPU energy, by (workload, pool).</summary>
public static class MiningValueAlignment
{
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

            var values = new double[count];
            int before = 0, after = 0;
            for (var i = 0; i < count; i++)
            {
                var at = start + (slotLength * i);
                if (series.At(at) is { } v)
                {
                    values[i] = v;
                    after += at >= series.Last + TimeSpan.FromDays(1) ? 1 : 0;
                }
                else
                {
                    values[i] = series.FirstValue;
                    before++;
                }
            }

            foreach (var pool in site.Pools.Where(workload.MayRunOn))
            {
                var factor = series.PerMwhFactor(site.Currency, workload, pool, fx, fxOption);
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
