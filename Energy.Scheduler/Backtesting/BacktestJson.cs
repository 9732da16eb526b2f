using System.Text.Json;
using System.Text.Json.Serialization;

namespace Energy.Scheduler.Backtesting;

/// <summary>The backtest's JSON summary (camelCase). Money is in the site's currency; the *Eur names hold for EUR sites.</summary>
public static class BacktestJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <param name="result">The finished backtest.</param>
    /// <param name="includeTimings">False leaves the machine-dependent figures (solve times, wall time) at 0, for comparing runs.</param>
    public static string Serialize(BacktestResult result, bool includeTimings = true)
    {
        ArgumentNullException.ThrowIfNull(result);
        var h = result.HeatGrid;
        var best = result.BestRule;
        var summary = new Summary(
            CaptureOfValueAtStake: Math.Round(result.CaptureOfValueAtStake, 6),
            CaptureVsBestRule: Math.Round(result.CaptureVsBestRule, 6),
            BestRule: best.Name,
            UpperBound: new UpperBound(result.UpperBoundBreaches.Count == 0, Round(result.UpperBoundTolerance),
                result.UpperBoundBreaches.Select(b => new Breach(b.Strategy, Round(b.Excess), b.Slots.Select(g => new Gain(g.Start, Round(g.Gain))).ToList())).ToList()),
            PolicyCosts: result.PolicyCosts.Select(c => new Cost(c.Limit, c.SiteFileKey, c.Setting, Round(c.Cost), Math.Round(c.HoursBound, 2), Round(c.RelaxedProfit))).ToList(),
            ProfitEur: Round(h.Profit),
            PerfectForesightProfitEur: Round(result.PerfectForesight.Profit),
            RatioToPerfectForesight: Math.Round(result.RatioToPerfectForesight, 6),
            Baselines: result.Baselines.Select(b => new Baseline(b.Name, Round(b.Profit), b.CapViolations, Round(b.UnmetHeatKwh), LimitHours(b))).ToList(),
            GridCapViolations: h.CapViolations,
            UnmetHeatKwh: Round(h.UnmetHeatKwh),
            HeatDeliveredKwh: Round(h.HeatDeliveredKwh),
            EnergyImportedKwh: Round(h.EnergyImportedKwh),
            Replans: result.Replans,
            SolveMsP50: includeTimings ? Math.Round(result.SolveMsPercentile(0.5), 4) : 0,
            SolveMsP99: includeTimings ? Math.Round(result.SolveMsPercentile(0.99), 4) : 0,
            SolveMsMean: includeTimings && result.SolveMs.Count > 0 ? Math.Round(result.SolveMs.Average(), 4) : 0,
            WallSeconds: includeTimings ? Math.Round(result.WallSeconds, 3) : 0,
            PolicyCostsWallSeconds: includeTimings ? Math.Round(result.PolicyCostsWallSeconds, 3) : 0,
            Site: result.Site,
            Planner: result.Planner,
            Currency: result.Series.Currency.Code,
            From: h.Slots[0].Start,
            Until: h.Slots[^1].Start + result.Series.SlotLength,
            Slots: h.Slots.Count,
            SlotMinutes: (int)result.Series.SlotLength.TotalMinutes,
            HorizonHours: result.Options.Horizon.TotalHours,
            PricesPublishedAt: result.Options.PublicationTime.ToString("HH\\:mm", System.Globalization.CultureInfo.InvariantCulture),
            HeatFromGpusKwh: Round(h.HeatFromGpusKwh),
            BoilerKwh: Round(h.BoilerKwh),
            PerfectForesightUnmetHeatKwh: Round(result.PerfectForesight.UnmetHeatKwh),
            ProfitBreakdown: new Breakdown(Round(h.Slots.Sum(s => s.InferenceRevenue)), Round(h.Slots.Sum(s => s.MiningRevenue)), Round(h.Slots.Sum(s => s.HeatRevenue)),
                Round(h.Slots.Sum(s => s.GridCost)), Round(h.Slots.Sum(s => s.FuelCost)), Round(h.Slots.Sum(s => s.ShortfallPenalty)), Round(h.StoredHeatChange)),
            HeatAlignment: result.Series.HeatFacts.Alignment,
            HeatSourceEmptyRows: result.Series.HeatFacts.SourceEmptyRows,
            HeatGapSlotsFilled: result.Series.HeatFacts.GapSlotsFilled,
            HeatScale: result.Series.HeatFacts.Scale,
            Notes: result.Series.Notes);
        return JsonSerializer.Serialize(summary, Options);
    }

    private static double Round(double value) => Math.Round(value, 3);

    /// <summary>Hours in which each operator limit changed or held the rule's decisions.</summary>
    private static Dictionary<string, double> LimitHours(BacktestRun run)
    {
        var hours = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (flag, name) in new[] { (PolicyLimits.PriceLimit, "priceLimit"), (PolicyLimits.Ramp, "rampLimit"), (PolicyLimits.Dwell, "minDwell"), (PolicyLimits.GridCap, "gridCap") })
        {
            hours[name] = Math.Round(run.Slots.Count(s => s.Limits.HasFlag(flag)) * run.SlotLength.TotalHours, 2);
        }

        return hours;
    }

    private sealed record Summary(
        double CaptureOfValueAtStake,
        double CaptureVsBestRule,
        string BestRule,
        UpperBound UpperBound,
        IReadOnlyList<Cost> PolicyCosts,
        double ProfitEur,
        double PerfectForesightProfitEur,
        double RatioToPerfectForesight,
        IReadOnlyList<Baseline> Baselines,
        int GridCapViolations,
        double UnmetHeatKwh,
        double HeatDeliveredKwh,
        double EnergyImportedKwh,
        int Replans,
        double SolveMsP50,
        double SolveMsP99,
        double SolveMsMean,
        double WallSeconds,
        double PolicyCostsWallSeconds,
        string Site,
        string Planner,
        string Currency,
        DateTimeOffset From,
        DateTimeOffset Until,
        int Slots,
        int SlotMinutes,
        double HorizonHours,
        string PricesPublishedAt,
        double HeatFromGpusKwh,
        double BoilerKwh,
        double PerfectForesightUnmetHeatKwh,
        Breakdown ProfitBreakdown,
        string HeatAlignment,
        int HeatSourceEmptyRows,
        int HeatGapSlotsFilled,
        double HeatScale,
        IReadOnlyList<string> Notes);

    private sealed record Baseline(string Name, double ProfitEur, int GridCapViolations, double UnmetHeatKwh, IReadOnlyDictionary<string, double> HoursLimited);

    private sealed record UpperBound(bool Holds, double Tolerance, IReadOnlyList<Breach> Breaches);

    private sealed record Breach(string Strategy, double ExcessEur, IReadOnlyList<Gain> Slots);

    private sealed record Gain(DateTimeOffset Start, double GainEur);

    private sealed record Cost(string Limit, string SiteFileKey, string Setting, double CostEur, double HoursBound, double RelaxedPerfectForesightProfitEur);

    private sealed record Breakdown(double Inference, double Mining, double HeatSales, double GridCost, double BoilerFuel, double ShortfallPenalty, double StoredHeatChange);
}
