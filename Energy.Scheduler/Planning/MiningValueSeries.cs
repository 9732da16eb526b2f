using System.Globalization;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Planning;

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
    /// <exception cref="MiningValueException">The file cannot be used; the message names FILE:LINE and why.</exception>
    public static MiningValueSeries Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var names = Header(path);
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
            throw new MiningValueException($"{path}:1: no mining value column among '{string.Join(",", names)}'; "
                + "expected hashprice_<cur>_per_th_day (revenue per TH/s per day, e.g. hashprice_usd_per_th_day) or value_<cur>_per_mwh");
        }

        var read = ReadColumn(path, column, names[column]);
        if (read.Ticks.Length == 0)
        {
            throw new MiningValueException($"{path}: no rows after the header");
        }


        if (read.Values.All(double.IsNaN))
        {
            throw new MiningValueException($"{path}: every '{names[column]}' cell is empty");
        }

        return new MiningValueSeries(path, names[column], unit.Value, currency, read.Ticks, read.Values);
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

    /// <summary>The value in force at the start of each of <paramref name="count"/> slots from <paramref name="start"/>; the first value before the series starts.</summary>
    public double[] ValuesAt(DateTimeOffset start, TimeSpan slotLength, int count)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = At(start + (slotLength * i)) ?? FirstValue;
        }

        return values;
    }

    /// <summary>
    /// Factor from this series' value to a value per MWh of GPU energy in the site currency, for
    /// <paramref name="workload"/> on <paramref name="pool"/>: the currency rate, and for hashprice the pool's
    /// SHA-256d hash rate per GPU over its energy per GPU-day.
    /// </summary>
    /// <param name="fx">Site currency per unit of the series' currency; required when they differ.</param>
    /// <param name="fxOption">How the rate is given, for the message (e.g. --mining-fx or valueFx).</param>
    /// <exception cref="MiningValueException">The currency differs without a rate, or no hash rate is known for the pool's GPU.</exception>
    public double PerMwhFactor(Currency siteCurrency, MiningWorkload workload, GpuPool pool, double? fx, string fxOption)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(pool);
        var rate = 1.0;
        if (Currency != siteCurrency)
        {
            rate = fx ?? throw new MiningValueException($"{Source}: the mining value is in {Currency.Code}, but the site accounts in {siteCurrency.Code}: "
                + $"give {fxOption} RATE ({siteCurrency.Code} per {Currency.Code}) to convert it");
            if (!double.IsFinite(rate) || rate <= 0)
            {
                throw new MiningValueException(string.Create(CultureInfo.InvariantCulture, $"{fxOption}: expected a positive rate ({siteCurrency.Code} per {Currency.Code}), got {rate}"));
            }
        }

        if (Unit == MiningValueUnit.ValuePerMwh)
        {
            return rate;
        }

        var hash = workload.HashRateOn(pool)
            ?? throw new MiningValueException($"{Source}: a hashprice series needs the SHA-256d hash rate of pool '{pool.Name}' ({pool.GpuModel}), which is not modelled: "
                + $"give hashRateGhPerGpu (and hashPowerW) on workload '{workload.Name}', or a value_<cur>_per_mwh series");
        return rate * hash.ValuePerMwh(1, pool);
    }

    private static string[] Header(string path) =>
        TimedCsvRow.Header(path, "UTC start of the interval the value holds from", (message, cause) => cause is null ? new MiningValueException(message) : new MiningValueException(message, cause));

    private static (long[] Ticks, double[] Values) ReadColumn(string path, int column, string columnName)
    {
        var ticks = new List<long>();
        var values = new List<double>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            if (++line == 1 || string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var cells = text.Split(',');
            if (TimedCsvRow.Read(path, line, cells, column, columnName, ticks.Count > 0 ? ticks[^1] : null, out var instant, out var value) is { } error)
            {
                throw new MiningValueException(error);
            }

            if (value < 0)
            {
                throw new MiningValueException(string.Create(CultureInfo.InvariantCulture, $"{path}:{line}: the value {value} is negative; mining earns zero or more"));
            }

            ticks.Add(instant);
            values.Add(value);
        }

        return ([.. ticks], [.. values]);
    }

    private static bool Parse(string name, string prefix, string suffix, out Currency currency)
    {
        currency = default;
        return name.Length == prefix.Length + 3 + suffix.Length
            && name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal)
            && Currency.TryParse(name.Substring(prefix.Length, 3), out currency);
    }
}

/// <summary>A mining value series or its conversion cannot be used; the message names the file (FILE:LINE) or the setting and what to do.</summary>
public sealed class MiningValueException : Exception
{
    public MiningValueException()
    {
    }

    public MiningValueException(string message)
        : base(message)
    {
    }

    public MiningValueException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
