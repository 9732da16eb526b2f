using System.Globalization;
using Energy.Contracts.Sites;
using Energy.Scheduler.Planning;
using Energy.Telemetry.Prices;

namespace Energy.Scheduler.Backtesting;

/// <summary>Loads the actual series of a backtest from files in the shared data format.</summary>
public static class BacktestSeriesLoader
{
    /// <param name="site">The site: its currency and time zone.</param>
    /// <param name="pricesPath">Day-ahead prices, <c>price_&lt;currency&gt;_per_mwh</c>; they set the slots.</param>
    /// <param name="heatPath">Heat demand, <c>heat_demand_kw</c> or <c>heat_demand_mw</c>.</param>
    /// <param name="heatScale">Factor on the heat values (to size a measured load to the site).</param>
    /// <param name="temperaturePath">Optional outdoor temperature, a <c>*temp_c</c> column.</param>
    /// <param name="fxRate">Site currency per unit of the price file's currency; required when they differ.</param>
    /// <param name="miningValuePath">
    /// Optional mining-value series (<see cref="MiningValueSeries"/>) for every mining workload of the site
    /// (<c>--mining-value</c>); without it, the workloads' own <c>valueSeries</c>, else their constant value.
    /// </param>
    /// <param name="miningFx">Site currency per unit of the mining series' currency (<c>--mining-fx</c>).</param>
    /// <exception cref="BacktestInputException">A file cannot be used; the message says why.</exception>
    public static BacktestSeries Load(Site site, string pricesPath, string heatPath, double heatScale = 1, string? temperaturePath = null, double? fxRate = null,
        string? miningValuePath = null, double? miningFx = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        // History of any age is fine; prices outside the market's clearing-price limits and oversized files are not.
        var import = CsvPriceReader.ReadFile(pricesPath, rules: PriceImportRules.Default with { Limits = site.PriceLimits });
        if (!import.Succeeded)
        {
            throw new BacktestInputException(string.Join(Environment.NewLine, import.Errors.Take(10).Select(e => e.ToString())));
        }

        var history = import.History;
        if (history.IsEmpty)
        {
            throw new BacktestInputException($"{pricesPath}: no prices");
        }

        var notes = new List<string>();
        var factor = 1.0;
        if (history.Currency != site.Currency)
        {
            if (fxRate is not { } rate)
            {
                throw new BacktestInputException($"{pricesPath}: prices are in {history.Currency}, but site '{site.Name}' accounts in {site.Currency}: "
                    + $"give --fx RATE ({site.Currency} per {history.Currency}) to convert them");
            }

            if (!double.IsFinite(rate) || rate <= 0)
            {
                throw new BacktestInputException($"--fx: expected a positive rate ({site.Currency} per {history.Currency}), got {rate}");
            }

            factor = rate;
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"Prices converted from {history.Currency} to {site.Currency} at {rate} {site.Currency}/{history.Currency}."));
        }

        var start = history.First!.Value;
        var count = (int)((history.End!.Value - start) / history.SlotLength);
        var spot = new double[count];
        Array.Fill(spot, double.NaN);
        foreach (var slot in history.Slots)
        {
            spot[(int)((slot.Start - start) / history.SlotLength)] = slot.Price.PerMegawattHour * factor;
        }

        var priceGaps = FillByDay(spot, (int)(TimeSpan.FromDays(1) / history.SlotLength));
        if (priceGaps > 0)
        {
            notes.Add($"{priceGaps} price slots missing in the file were filled with the price of the same slot a day earlier (or later).");
        }

        var heatSource = SampledSeries.HourlyMeansIfSampled(SeriesCsvReader.ReadHeatKw(heatPath), out var alternation);
        if (alternation < SampledSeries.AlternationThreshold)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"Heat demand of {Path.GetFileName(heatPath)} alternates from row to row (lag-1 autocorrelation of its changes {alternation:0.00}): read as instantaneous meter readings, averaged over each clock hour before alignment."));
        }

        var heat = SlotAligner.Align(heatSource, start, count, history.SlotLength, site.TimeZone);
        var heatKw = heat.Values.Select(v => v * heatScale).ToArray();
        var heatGaps = FillByDay(heatKw, (int)(TimeSpan.FromDays(1) / history.SlotLength));
        notes.Add($"Heat demand ({heatSource.Column} of {Path.GetFileName(heatPath)}): {heat.Method}. "
            + $"{heat.SourceEmptyRows} empty rows in the source; {heatGaps} slots without data after alignment were filled with the same slot a day earlier (or later).");
        if (heatScale != 1)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"Heat demand scaled by {heatScale}."));
        }

        double[]? temperature = null;
        if (temperaturePath is not null)
        {
            var source = SeriesCsvReader.ReadTemperatureC(temperaturePath);
            var aligned = SlotAligner.Align(source, start, count, history.SlotLength, site.TimeZone);
            temperature = aligned.Values;
            var gaps = FillByDay(temperature, (int)(TimeSpan.FromDays(1) / history.SlotLength));
            notes.Add($"Temperature ({source.Column} of {Path.GetFileName(temperaturePath)}): {aligned.Method}; {gaps} slots filled.");
        }

        var mining = MiningValues(site, miningValuePath, miningFx, start, count, history.SlotLength, notes);
        return new BacktestSeries(start, history.SlotLength, site.Currency, spot, heatKw, temperature, notes)
        {
            HeatFacts = new HeatSeriesFacts(heat.Method, heat.SourceEmptyRows, heatGaps, heatScale),
            MiningValuePerMwh = mining,
        };
    }

    private static Dictionary<(string Workload, string Pool), double[]> MiningValues(
        Site site, string? path, double? fx, DateTimeOffset start, int count, TimeSpan slotLength, List<string> notes)
    {
        var miners = site.Workloads.OfType<MiningWorkload>().ToList();
        if (path is not null && miners.Count == 0)
        {
            throw new BacktestInputException($"--mining-value: site '{site.Name}' has no mining workload to value");
        }

        if (path is null && fx is not null)
        {
            throw new BacktestInputException("--mining-fx converts the currency of --mining-value; there is no --mining-value");
        }

        List<(MiningWorkload, MiningValueSeries, double?, string)> sources;
        if (path is not null)
        {
            var series = MiningValueAlignment.Read(path);
            sources = [.. miners.Select(m => (m, series, fx, "--mining-fx"))];
            notes.Add($"--mining-value {Path.GetFileName(path)} values every mining workload ({string.Join(", ", miners.Select(m => m.Name))}), "
                + "in place of the site file's value" + (series.Unit == MiningValueUnit.HashpricePerThDay ? ", as SHA-256d mining at each pool's hash rate." : "."));
        }
        else
        {
            var read = new Dictionary<string, MiningValueSeries>(StringComparer.Ordinal);
            sources = [.. miners.Where(m => m.ValueSeries is not null).Select(m =>
                (m, read.TryGetValue(m.ValueSeries!, out var s) ? s : read[m.ValueSeries!] = MiningValueAlignment.Read(m.ValueSeries!), m.ValueFx, "valueFx on workload " + m.Name))];
        }

        return sources.Count == 0 ? [] : MiningValueAlignment.Align(site, sources, start, count, slotLength, notes);
    }

    /// <summary>
    /// Fills NaN slots with the value of the same slot one day earlier, else one day later, stepping
    /// further out a day at a time; a series with no value at all becomes zeros. Returns how many were filled.
    /// </summary>
    internal static int FillByDay(double[] values, int slotsPerDay)
    {
        var filled = 0;
        var original = (double[])values.Clone();
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsNaN(values[i]))
            {
                continue;
            }

            filled++;
            values[i] = 0;
            for (var k = 1; k * slotsPerDay < values.Length; k++)
            {
                var before = i - (k * slotsPerDay);
                var after = i + (k * slotsPerDay);
                if (before >= 0 && !double.IsNaN(values[before]))
                {
                    values[i] = values[before];
                    break;
                }

                if (after < values.Length && !double.IsNaN(original[after]))
                {
                    values[i] = original[after];
                    break;
                }

                if (before < 0 && after >= values.Length)
                {
                    break;
                }
            }
        }

        return filled;
    }
}
