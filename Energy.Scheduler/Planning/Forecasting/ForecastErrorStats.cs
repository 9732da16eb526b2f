namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// How far forecasts were off, over some completed slots: mean absolute error, bias (forecast − actual:
/// positive = over-forecast) and mean absolute percentage error over the slots whose actual is not ≈ 0
/// (null when there are none). Null errors without slots.
/// </summary>
public sealed record ForecastErrorStats(int Slots, double? MeanAbsoluteError, double? Bias, double? MeanAbsolutePercentError)
{
    /// <summary>Actuals this close to zero have no meaningful percentage error.</summary>
    public const double NearZero = 1e-3;

    public static ForecastErrorStats Of(IReadOnlyList<ForecastPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            return new ForecastErrorStats(0, null, null, null);
        }

        var relative = points.Where(p => Math.Abs(p.Actual) >= NearZero).Select(p => Math.Abs(p.Forecast - p.Actual) / Math.Abs(p.Actual)).ToList();
        return new ForecastErrorStats(
            points.Count,
            points.Average(p => Math.Abs(p.Forecast - p.Actual)),
            points.Average(p => p.Forecast - p.Actual),
            relative.Count == 0 ? null : 100 * relative.Average());
    }
}
