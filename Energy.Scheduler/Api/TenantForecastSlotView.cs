namespace Energy.Scheduler.Api;

/// <summary>One 15-minute slot: the GPUs forecast for the tenant when it started, and the mean the tenant reported.</summary>
public sealed record TenantForecastSlotView(DateTimeOffset Start, double ForecastGpus, double ActualGpus);
