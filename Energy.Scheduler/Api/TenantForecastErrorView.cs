namespace Energy.Scheduler.Api;

/// <summary>One tenant workload's demand forecast errors in GPUs: bias is forecast − actual (positive = over-forecast).</summary>
public sealed record TenantForecastErrorView(
    string Workload,
    int Slots,
    double? MeanAbsoluteErrorGpus,
    double? BiasGpus,
    double? MeanAbsolutePercentError,
    IReadOnlyList<TenantForecastSlotView> PerSlot);
