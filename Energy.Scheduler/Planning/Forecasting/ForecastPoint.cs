namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>One completed slot: what the plan in force at its start forecast, and the slot's observed mean.</summary>
public sealed record ForecastPoint(DateTimeOffset Start, double Forecast, double Actual);
