namespace Energy.Gpu.Mining.Stratum;

public sealed class StratumClientOptions
{
    public required string WorkerName { get; init; }

    public string Password { get; init; } = "x";

    public string UserAgent { get; init; } = "heatgrid/1.0";

    /// <summary>Wait before the first reconnect; doubles per failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan InitialReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromMinutes(1);
}
