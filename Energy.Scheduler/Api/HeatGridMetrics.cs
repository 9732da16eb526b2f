using System.Diagnostics.Metrics;
using Energy.Contracts.Readings;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Energy.Telemetry.History;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Api;

/// <summary>
/// The <c>HeatGrid</c> meter that <c>GET /metrics</c> exports (Prometheus text, through OpenTelemetry). Gauges are read
/// when scraped: the site, workloads and heat loops from the control loop's latest status (none before its first tick),
/// signal quality counts from the registry, the history spool's backlog where <c>--influx</c> gives one. The plan's
/// solve time is <see cref="PlanSolveTimes"/>' histogram on the same meter. Names carry their unit as Prometheus
/// expects (<c>heatgrid_site_import_kw</c>, <c>heatgrid_plan_solve_seconds</c>).
/// </summary>
public sealed class HeatGridMetrics
{
    public const string MeterName = PlanSolveTimes.MeterName;

    public HeatGridMetrics(IMeterFactory meters, StatusBoard board, SignalRegistry signals, TimeProvider time, SpooledTimeSeriesStore? history = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(time);
        Meter = meters.Create(new MeterOptions(MeterName));

        Site(board, "heatgrid_site_import_kw", s => s.GridImportKw, "Site import the cap is held against: the site meter's when it is good, else the model's (/api/status gridImportKw)");
        Site(board, "heatgrid_site_import_metered_kw", s => s.GridImportMeteredKw, "Site import by the site meter; absent without a meter or while it is lost (gridImportMeteredKw)");
        Site(board, "heatgrid_site_import_model_kw", s => s.GridImportModelKw, "Site import as HeatGrid models it: base load counted plus the GPUs' reported power with cooling (gridImportModelKw)");
        Site(board, "heatgrid_site_import_cap_kw", s => s.GridImportCapKw, "Grid import cap in force, curtailments included (gridImportCapKw)");
        Site(board, "heatgrid_site_hold_below_kw", s => s.HoldBelowKw, "Import the controller holds the site under: the cap less the meter's margin (holdBelowKw)");

        Meter.CreateObservableGauge("heatgrid_workload_power_kw", () => Each(board, s => s.Workloads.Select(w =>
            new Measurement<double>(w.PowerKw, new KeyValuePair<string, object?>("workload", w.Name), new KeyValuePair<string, object?>("kind", w.Kind)))),
            description: "GPU power per workload; idle GPUs as workload idle (/api/status workloads)");
        Meter.CreateObservableGauge("heatgrid_workload_gpus", () => Each(board, s => s.Workloads.Select(w =>
            new Measurement<double>(w.Gpus, new KeyValuePair<string, object?>("workload", w.Name), new KeyValuePair<string, object?>("kind", w.Kind)))),
            description: "GPUs per workload");

        Loop(board, "heatgrid_heat_demand_kw", l => l.DemandKw, "Heat demand per loop");
        Loop(board, "heatgrid_heat_delivered_kw", l => l.DeliveredKw, "Heat HeatGrid delivers to consumers per loop, from the GPUs and the tank");
        Loop(board, "heatgrid_heat_boiler_kw", l => l.BoilerKw, "The boiler's heat to the consumer per loop");
        Loop(board, "heatgrid_heat_dumped_kw", l => l.DumpedKw, "Heat dumped (dry cooler) per loop");
        Loop(board, "heatgrid_heat_stored_kwh", l => l.StoredKwh, "Heat stored in the loop's tank");

        Meter.CreateObservableGauge("heatgrid_signals", () =>
        {
            var readings = signals.Snapshot(time.GetUtcNow());
            return Enum.GetValues<Quality>().Select(q => new Measurement<int>(readings.Count(r => r.Quality == q),
                new KeyValuePair<string, object?>("quality", q.ToString().ToLowerInvariant())));
        }, description: "Signals per quality (good, uncertain, bad) as /api/signals shows them");

        if (history is not null)
        {
            Meter.CreateObservableGauge("heatgrid_history_spool_points", () => history.Spool.PendingPoints,
                description: "Points in the history spool not yet acknowledged by the database (--influx)");
            Meter.CreateObservableGauge("heatgrid_history_spool_bytes", () => history.Spool.PendingBytes,
                description: "Bytes in the history spool not yet acknowledged by the database (--influx)");
            Meter.CreateObservableGauge("heatgrid_history_queued_points", () => history.Status().Queued,
                description: "Points queued in memory before the spool (--influx)");
        }
    }

    /// <summary>This host's meter (from its <see cref="IMeterFactory"/>, so another host's in the same process, in tests, is another).</summary>
    public Meter Meter { get; }

    private void Site(StatusBoard board, string name, Func<SiteStatus, double?> value, string description) =>
        Meter.CreateObservableGauge(name, () => board.Current is { } s && value(s) is { } v ? [new Measurement<double>(v)] : Array.Empty<Measurement<double>>(),
            description: description);

    private void Loop(StatusBoard board, string name, Func<HeatLoopStatus, double> value, string description) =>
        Meter.CreateObservableGauge(name, () => Each(board, s => s.HeatLoops.Select(l => new Measurement<double>(value(l), new KeyValuePair<string, object?>("loop", l.Name)))),
            description: description);

    private static List<Measurement<double>> Each(StatusBoard board, Func<SiteStatus, IEnumerable<Measurement<double>>> measurements) =>
        board.Current is { } status ? measurements(status).ToList() : [];
}
