using ScottPlot;

namespace Energy.Scheduler.Backtesting;

/// <summary>The report's PNG charts (ScottPlot: no system packages needed). Periods over two weeks are drawn as daily means.</summary>
internal static class BacktestCharts
{
    private const int Width = 1400;
    private const int Height = 500;

    public static IReadOnlyList<string> Write(BacktestResult result, string folder)
    {
        var h = result.HeatGrid;
        var written = new List<string>();
        var currency = result.Series.Currency.Code;

        written.Add(Chart(folder, "prices.png", "Day-ahead price", $"{currency}/MWh", h.Slots,
            [("spot", s => s.SpotPerMwh)]));
        written.Add(Chart(folder, "power.png", "GPU power by workload (HeatGrid)", "kW", h.Slots,
            [.. WorkloadSeries(result), ("grid import", s => s.GridImportKw)]));
        written.Add(Chart(folder, "heat.png", "Heat demand vs delivered (HeatGrid)", "kW", h.Slots,
            [("demand", s => s.HeatDemandKw), ("delivered from GPUs and tank", s => s.HeatFromGpusKw), ("boiler", s => s.BoilerKw), ("unmet", s => s.ShortfallKw)]));
        written.Add(Chart(folder, "tank.png", "Tank state (HeatGrid)", "kWh", h.Slots,
            [("stored", s => s.StoredKwh)]));

        var plot = new Plot();
        var xs = h.Slots.Select(s => s.Start.UtcDateTime.ToOADate()).ToArray();
        foreach (var run in new[] { h, result.PerfectForesight }.Concat(result.Baselines))
        {
            var sum = 0.0;
            var ys = run.Slots.Select(s => sum += s.Profit).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = run.Name;
        }

        Finish(plot, "Cumulative profit", currency);
        written.Add(Save(plot, folder, "profit.png"));

        // The value at stake: what each strategy earned beyond always on (tenant revenue, which every strategy earns, drops out).
        var stake = new Plot();
        var alwaysOn = result.AlwaysOn.Slots;
        foreach (var run in new[] { h, result.PerfectForesight }.Concat(result.Baselines.Skip(1)))
        {
            var sum = 0.0;
            var ys = run.Slots.Select((s, k) => sum += s.Profit - alwaysOn[k].Profit).ToArray();
            var line = stake.Add.ScatterLine(xs, ys);
            line.LegendText = run.Name;
        }

        Finish(stake, "Cumulative profit minus always on", currency);
        written.Insert(0, Save(stake, folder, "value-at-stake.png"));
        return written;
    }

    private static List<(string, Func<SlotOutcome, double>)> WorkloadSeries(BacktestResult result)
    {
        var names = result.HeatGrid.Slots.Count == 0 ? 0 : result.HeatGrid.Slots[0].PowerByWorkloadKw.Length;
        var workloads = result.WorkloadNames;
        return Enumerable.Range(0, names).Select(i => (workloads[i], (Func<SlotOutcome, double>)(s => s.PowerByWorkloadKw[i]))).ToList();
    }

    private static string Chart(string folder, string file, string title, string unit, IReadOnlyList<SlotOutcome> slots, IEnumerable<(string Name, Func<SlotOutcome, double> Value)> series)
    {
        var plot = new Plot();
        var daily = slots.Count > 24 * 14 * (slots.Count > 1 ? (int)(TimeSpan.FromHours(1) / (slots[1].Start - slots[0].Start)) : 1);
        foreach (var (name, value) in series)
        {
            var (xs, ys) = daily ? DailyMeans(slots, value) : (slots.Select(s => s.Start.UtcDateTime.ToOADate()).ToArray(), slots.Select(value).ToArray());
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = name;
        }

        Finish(plot, daily ? title + " (daily means)" : title, unit);
        return Save(plot, folder, file);
    }

    private static (double[] Xs, double[] Ys) DailyMeans(IReadOnlyList<SlotOutcome> slots, Func<SlotOutcome, double> value)
    {
        var days = slots.GroupBy(s => s.Start.UtcDateTime.Date).ToList();
        return (days.Select(d => d.Key.ToOADate()).ToArray(), days.Select(d => d.Average(value)).ToArray());
    }

    private static void Finish(Plot plot, string title, string unit)
    {
        plot.Title(title);
        plot.YLabel(unit);
        plot.Axes.DateTimeTicksBottom();
        plot.ShowLegend();
    }

    private static string Save(Plot plot, string folder, string file)
    {
        var path = Path.Combine(folder, file);
        plot.SavePng(path, Width, Height);
        return file;
    }
}
