using System.Diagnostics.Metrics;

namespace Energy.Scheduler.Planning;

/// <summary>
/// The wall time of each plan (model build or load, solve, reading the plan), as the histogram
/// <c>heatgrid_plan_solve_seconds</c> of the <c>HeatGrid</c> meter, tagged with the planner; <c>GET /metrics</c> exports it.
/// </summary>
public sealed class PlanSolveTimes
{
    /// <summary>The name of HeatGrid's meter; one host's factory gives every part the same instance.</summary>
    public const string MeterName = "HeatGrid";

    /// <summary>Buckets in seconds: a rolling LP re-plan takes milliseconds, a fresh 96-slot one about a second.</summary>
    private static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Histogram<double> _seconds;

    public PlanSolveTimes(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _seconds = meters.Create(new MeterOptions(MeterName)).CreateHistogram("heatgrid_plan_solve_seconds", unit: null,
            description: "Wall time of one plan: model build or load, solve and reading the plan", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
    }

    public void Record(TimeSpan elapsed, string planner) =>
        _seconds.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("planner", planner));
}
