using System.Globalization;
using System.Text;

namespace Energy.Scheduler.Backtesting;

/// <summary>The report folder: <c>summary.md</c> (figures and the methods behind them) and the PNG charts.</summary>
public static class BacktestReport
{
    public static void Write(BacktestResult result, string folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(folder);
        var charts = BacktestCharts.Write(result, folder);
        File.WriteAllText(Path.Combine(folder, "summary.md"), Markdown(result, charts));
    }

    internal static string Markdown(BacktestResult result, IReadOnlyList<string> charts)
    {
        var c = result.Series.Currency.Code;
        var h = result.HeatGrid;
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# Backtest: {result.Site}");
        md.AppendLine();
        md.AppendLine(inv, $"Planner `{result.Planner}`, {h.Slots.Count} slots of {result.Series.SlotLength.TotalMinutes:0} min from {h.Slots[0].Start:yyyy-MM-dd HH:mm}Z, "
            + $"re-planned every slot over {result.Options.Horizon.TotalHours:0} h ({result.Replans} plans, solve p50 {result.SolveMsPercentile(0.5):0.###} ms, "
            + $"p99 {result.SolveMsPercentile(0.99):0.###} ms, wall {result.WallSeconds:0.0} s).");
        md.AppendLine();
        md.AppendLine(inv, $"**Capture of the value at stake: {result.CaptureOfValueAtStake:0.000}** — (HeatGrid − always on) / (perfect foresight − always on). "
            + $"**Against the best rule: {result.CaptureVsBestRule:0.000}** — (HeatGrid − {result.BestRule.Name}) / (perfect foresight − {result.BestRule.Name}).");
        md.AppendLine();
        md.AppendLine(inv, $"Value at stake (perfect foresight − always on): {result.PerfectForesight.Profit - result.AlwaysOn.Profit:N0} {c}; HeatGrid earned {result.HeatGrid.Profit - result.AlwaysOn.Profit:N0} {c} of it, "
            + $"the best rule {result.BestRule.Profit - result.AlwaysOn.Profit:N0} {c}.");
        md.AppendLine();
        if (result.UpperBoundBreaches.Count == 0)
        {
            md.AppendLine(inv, $"Perfect foresight held as the upper bound: no strategy beat it by more than {result.UpperBoundTolerance:N2} {c}.");
        }
        else
        {
            foreach (var breach in result.UpperBoundBreaches)
            {
                md.AppendLine(inv, $"**Bound broken:** {breach.Strategy} beat perfect foresight by {breach.Excess:N2} {c} (a bug in the model, the executor or the rule); "
                    + $"it gained most in {string.Join(", ", breach.Slots.Take(5).Select(g => string.Create(inv, $"{g.Start.UtcDateTime:yyyy-MM-dd HH:mm}Z (+{g.Gain:N2})")))}.");
            }
        }

        md.AppendLine();
        md.AppendLine(inv, $"| strategy | profit ({c}) | vs perfect foresight | grid-cap violations | unmet heat (kWh) | heat delivered (kWh) | grid import (kWh) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var run in new[] { h, result.PerfectForesight }.Concat(result.Baselines))
        {
            var ratio = result.PerfectForesight.Profit != 0 ? run.Profit / result.PerfectForesight.Profit : double.NaN;
            md.AppendLine(inv, $"| {run.Name} | {run.Profit:N0} | {ratio:P1} | {run.CapViolations} | {run.UnmetHeatKwh:N0} | {run.HeatDeliveredKwh:N0} | {run.EnergyImportedKwh:N0} |");
        }

        md.AppendLine();
        md.AppendLine("## What each limit cost");
        md.AppendLine();
        if (result.PolicyCosts.Count == 0)
        {
            md.AppendLine(result.Options.PolicyCosts ? "No operator limit bound during the run." : "Not priced (`--no-policy-costs`).");
        }
        else
        {
            md.AppendLine(inv, $"Perfect foresight with one limit relaxed, minus perfect foresight under the whole policy ({result.PolicyCostsWallSeconds:0.0} s).");
            md.AppendLine();
            md.AppendLine(inv, $"| limit | setting | cost ({c}) | hours bound |");
            md.AppendLine("|---|---|---:|---:|");
            foreach (var cost in result.PolicyCosts)
            {
                md.AppendLine(inv, $"| {cost.Limit} (`{cost.SiteFileKey}`) | {cost.Setting} | {cost.Cost:N0} | {cost.HoursBound:N0} |");
            }
        }

        md.AppendLine();
        md.AppendLine("## Method");
        md.AppendLine();
        md.Append(inv, $"- **Information rule.** At each slot boundary the planner sees day-ahead prices only for local days published by then ({result.Options.PublicationTime:HH\\:mm} market time on the day before); ");
        md.AppendLine("later slots get the price of the same slot one week earlier. "
            + "Heat demand is forecast from slots already measured: a weighted mean of the same slot on the last 14 measured days (newer days and the same weekday weigh more), "
            + "plus how far the last hours ran from that profile, fading over a day ahead (with a temperature series, each copied slot is corrected by a heat-vs-temperature slope "
            + "fitted on day-to-day changes over the last 28 days; the slot's temperature is taken as a perfect weather forecast). "
            + "Tenant demand comes from the contract profile.");
        md.AppendLine("- **Execution.** Only the plan's first slot is executed, against the actual heat demand, with the heat-loop physics "
            + "(GPU heat to the consumer, then the tank; deficits from the tank, then the boiler). The resulting tank state starts the next plan.");
        md.AppendLine("- **Profit.** Inference GPU-hours × price per GPU-hour + mining GPU energy × value per MWh + heat delivered to the consumer (from any source) × heat price, "
            + "minus grid energy (base load, idle GPUs and cooling included) × (spot + network fee + taxes), boiler fuel, and unmet heat × shortfall penalty; "
            + "plus the heat left in the tanks at the end beyond what they held at the start, at the boiler heat it saves (so no strategy gains by emptying them at the end).");
        md.AppendLine("- **Perfect foresight.** The same planner, rolled the same way, given the actual prices and heat demand over its whole horizon.");
        md.AppendLine("- **Baselines.** *Always on*: the tenant's GPUs plus every other GPU at full power on its most valuable unbounded workload. "
            + "*Strike price*: as always on, but interruptible work (mining, heater) is switched off after N consecutive slots above the strike price and back on after M below; the boiler carries the heat meanwhile.");
        md.AppendLine("- **One policy for all.** Every strategy's decision passes the operator's rules before it is executed: above the price limit only SLA work runs; "
            + "GPUs within their minimum dwell are not moved to other work; the ramp limit bounds the change from the previous slot; whole GPUs are shed in the shed order to keep the import (base load included) under the cap.");
        md.AppendLine("- **Upper bound.** Perfect foresight must not be beaten by more than the LP's tolerance; a backtest where it is exits with status 3 and names the strategy and slots.");
        foreach (var note in result.Series.Notes)
        {
            md.AppendLine(inv, $"- {note}");
        }

        md.AppendLine();
        md.AppendLine("## Charts");
        md.AppendLine();
        foreach (var chart in charts)
        {
            md.AppendLine(inv, $"![{Path.GetFileNameWithoutExtension(chart)}]({chart})");
            md.AppendLine();
        }

        return md.ToString();
    }
}
