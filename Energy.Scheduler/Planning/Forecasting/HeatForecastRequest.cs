namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// What <see cref="HeatDemandForecaster"/> forecasts from: a slot-aligned history of one loop's
/// observed demand and, optionally, outdoor temperature, both indexed from the history's first slot.
/// </summary>
/// <param name="DemandKw">Observed demand per slot; NaN where unknown. Slots from <paramref name="Measured"/> on are never read.</param>
/// <param name="Measured">Slots 0..Measured−1 have ended and may be used; the slot at Measured is the one under way.</param>
/// <param name="TemperatureC">Outdoor temperature on the same index: observed before Measured, the outlook from it on;
/// NaN where unknown (that slot is not corrected); null for no temperature correction at all.</param>
/// <param name="First">The first slot to forecast.</param>
/// <param name="Count">How many slots to forecast.</param>
/// <param name="FallbackKw">The last resort, when nothing was ever observed: half the consumer's design peak.</param>
/// <param name="LatestKw">A reading newer than the history (live: the demand now), preferred to the history's latest slot as the "latest observed" fallback.</param>
public sealed record HeatForecastRequest(
    double[] DemandKw,
    int Measured,
    double[]? TemperatureC,
    int First,
    int Count,
    double FallbackKw,
    double? LatestKw = null);
