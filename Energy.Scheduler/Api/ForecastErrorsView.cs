using Energy.Contracts.Sites;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Api;

/// <summary>
/// <c>forecastErrors</c> of <c>GET /api/plan</c>: for the slots that ended in the last 24 h, what the plan in
/// force at each slot's start forecast against what was observed, per heat loop (kW) and tenant workload (GPUs).
/// </summary>
public sealed record ForecastErrorsView(double WindowHours, IReadOnlyList<HeatForecastErrorView> Heat, IReadOnlyList<TenantForecastErrorView> Tenants)
{
    public static ForecastErrorsView From(Site site, ForecastLedger ledger, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(ledger);
        var heat = site.HeatLoops.Select(l =>
        {
            var points = ledger.Compare(SignalNames.HeatDemandKw(l.Name), now);
            var stats = ForecastErrorStats.Of(points);
            return new HeatForecastErrorView(l.Name, stats.Slots, Round(stats.MeanAbsoluteError), Round(stats.Bias), Round(stats.MeanAbsolutePercentError),
                points.Select(p => new HeatForecastSlotView(p.Start, Math.Round(p.Forecast, 3), Math.Round(p.Actual, 3))).ToList());
        }).ToList();
        var tenants = site.Workloads.OfType<InferenceWorkload>().Select(w =>
        {
            var points = ledger.Compare(SignalNames.TenantDemandGpus(w.Name), now);
            var stats = ForecastErrorStats.Of(points);
            return new TenantForecastErrorView(w.Name, stats.Slots, Round(stats.MeanAbsoluteError), Round(stats.Bias), Round(stats.MeanAbsolutePercentError),
                points.Select(p => new TenantForecastSlotView(p.Start, Math.Round(p.Forecast, 3), Math.Round(p.Actual, 3))).ToList());
        }).ToList();
        return new ForecastErrorsView(ForecastLedger.Window.TotalHours, heat, tenants);
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;
}
