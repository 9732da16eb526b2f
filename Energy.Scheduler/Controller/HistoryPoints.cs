using Energy.Contracts.Planning;
using Energy.Contracts.Readings;
using Energy.Scheduler.Controller.Status;
using Energy.Telemetry.Storage;

namespace Energy.Scheduler.Controller;

/// <summary>
/// What the control loop writes to the history (schema: ops/grafana/README.md): site, workload and heat totals each tick,
/// per-GPU power and energy counters, every signal with its quality, curtailments, and each new plan per slot.
/// Tags are low-cardinality (site, gpu, node, pool, workload, signal, unit); units are in the field names.
/// </summary>
internal static class HistoryPoints
{
    /// <summary>
    /// Per-GPU points are written on whole multiples of this many seconds: a site has hundreds of GPUs (the demo 1,280, three
    /// series each: 3,840 points, which every second would be most of the history and 3 GB a day in the embedded store), and
    /// their energy counters are cumulative, so nothing of the energy is lost between samples.
    /// </summary>
    public const int GpuEverySeconds = 60;

    /// <summary>An instant truncated to its whole UTC second: the tick points' timestamp (one point per series per second).</summary>
    public static DateTimeOffset Second(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    /// <summary>A reading's quality as a number, so that a change of quality does not start a new series: 0 good, 1 uncertain, 2 bad.</summary>
    public static double QualityCode(Quality quality) => quality switch
    {
        Quality.Good => 0,
        Quality.Uncertain => 1,
        _ => 2,
    };

    /// <summary>The tick's site, workload and heat totals: the grid (metered, modelled, base load, cap), each workload and each heat loop.</summary>
    public static List<TimeSeriesPoint> Tick(SiteStatus s, DateTimeOffset at)
    {
        KeyValuePair<string, string>[] siteTag = [new("site", s.Site)];
        var points = new List<TimeSeriesPoint>
        {
            new("grid", siteTag, "import_kw", s.GridImportKw, at),
            new("grid", siteTag, "import_model_kw", s.GridImportModelKw, at),
            new("grid", siteTag, "base_load_kw", s.BaseLoadKw, at),
            new("grid", siteTag, "cap_kw", s.GridImportCapKw, at),
            new("grid", siteTag, "hold_below_kw", s.HoldBelowKw, at),
        };
        if (s.GridImportMeteredKw is { } metered)
        {
            points.Add(new("grid", siteTag, "import_metered_kw", metered, at));
        }

        if (s.PriceEurPerMwh is { } price)
        {
            points.Add(new("grid", siteTag, "spot_price_per_mwh", price, at));
        }

        foreach (var w in s.Workloads)
        {
            KeyValuePair<string, string>[] tags = [new("site", s.Site), new("workload", w.Name)];
            points.Add(new("workload", tags, "power_kw", w.PowerKw, at));
            points.Add(new("workload", tags, "gpus", w.Gpus, at));
        }

        foreach (var l in s.HeatLoops)
        {
            KeyValuePair<string, string>[] tags = [new("site", s.Site), new("loop", l.Name)];
            points.Add(new("heat", tags, "demand_kw", l.DemandKw, at));
            points.Add(new("heat", tags, "captured_kw", l.CapturedKw, at));
            points.Add(new("heat", tags, "to_storage_kw", l.ToStorageKw, at));
            points.Add(new("heat", tags, "from_storage_kw", l.FromStorageKw, at));
            points.Add(new("heat", tags, "shortfall_kw", l.ShortfallKw, at));
            points.Add(new("heat", tags, "delivered_kw", l.DeliveredKw, at));
            points.Add(new("heat", tags, "stored_kwh", l.StoredKwh, at));
            points.Add(new("heat", tags, "dumped_kw", l.DumpedKw, at));
            points.Add(new("heat", tags, "boiler_kw", l.BoilerKw, at));
        }

        return points;
    }

    public static void AddGpus(List<TimeSeriesPoint> points, SiteStatus status, DateTimeOffset at)
    {
        foreach (var g in status.GpuAssignments ?? [])
        {
            KeyValuePair<string, string>[] tags = [new("site", status.Site), new("gpu", g.Gpu), new("node", g.Node), new("pool", g.Pool)];
            points.Add(new("gpu", tags, "power_w", g.PowerW, at));
            points.Add(new("gpu", tags, "target_w", g.TargetW, at));
            points.Add(new("gpu", tags, "energy_kwh", g.EnergyCounterKwh, at));
        }
    }

    /// <summary>Each signal's latest value (in its unit, as a tag) and quality, sampled at the tick; a Bad reading's value is left out, its quality is not.</summary>
    public static void AddSignals(List<TimeSeriesPoint> points, string site, IReadOnlyList<Reading> readings, DateTimeOffset at)
    {
        foreach (var r in readings)
        {
            KeyValuePair<string, string>[] tags = [new("site", site), new("signal", r.Signal), new("unit", r.Unit.Symbol)];
            if (r.Quality != Quality.Bad)
            {
                points.Add(new("signal", tags, "value", r.Value, at));
            }

            points.Add(new("signal", tags, "quality", QualityCode(r.Quality), at));
        }
    }

    /// <summary>Demand response: the cap in force against the contract's, and how many curtailments are active.</summary>
    public static void AddDemandResponse(List<TimeSeriesPoint> points, string site, double capKw, double contractCapKw, int active, DateTimeOffset at)
    {
        KeyValuePair<string, string>[] tags = [new("site", site)];
        points.Add(new("dr", tags, "cap_kw", capKw, at));
        points.Add(new("dr", tags, "contract_cap_kw", contractCapKw, at));
        points.Add(new("dr", tags, "curtailments", active, at));
        points.Add(new("dr", tags, "curtailed", capKw < contractCapKw ? 1 : 0, at));
    }

    /// <summary>A new plan, one point per slot and series at the slot's start; a later plan's points for the same slot replace them (InfluxDB).</summary>
    public static List<TimeSeriesPoint> Plan(Plan plan, string site)
    {
        var points = new List<TimeSeriesPoint>();
        KeyValuePair<string, string>[] siteTag = [new("site", site)];
        foreach (var slot in plan.Slots)
        {
            points.Add(new("plan", siteTag, "import_kw", slot.GridImport.Kilowatts, slot.Start));
            points.Add(new("plan", siteTag, "spot_price_per_mwh", slot.SpotPrice.PerMegawattHour, slot.Start));
            points.Add(new("plan", siteTag, "import_cost_per_mwh", slot.ImportCost.PerMegawattHour, slot.Start));
            foreach (var workload in slot.Allocations.GroupBy(a => a.Workload, StringComparer.Ordinal))
            {
                KeyValuePair<string, string>[] tags = [new("site", site), new("workload", workload.Key)];
                points.Add(new("plan_workload", tags, "power_kw", workload.Sum(a => a.Power.Kilowatts), slot.Start));
                points.Add(new("plan_workload", tags, "gpus", workload.Sum(a => a.Gpus), slot.Start));
            }
        }

        return points;
    }
}
