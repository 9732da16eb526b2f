namespace Energy.Scheduler.Api;

/// <summary>One loop's heat-demand forecast errors: bias is forecast − actual (positive = over-forecast); the percentage error is null where every actual is ≈ 0.</summary>
public sealed record HeatForecastErrorView(
    string Loop,
    int Slots,
    double? MeanAbsoluteErrorKw,
    double? BiasKw,
    double? MeanAbsolutePercentError,
    IReadOnlyList<HeatForecastSlotView> PerSlot);
