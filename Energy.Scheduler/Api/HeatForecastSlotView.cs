namespace Energy.Scheduler.Api;

/// <summary>One 15-minute slot: the heat demand forecast for it when it started, and its observed mean.</summary>
public sealed record HeatForecastSlotView(DateTimeOffset Start, double ForecastKw, double ActualKw);
