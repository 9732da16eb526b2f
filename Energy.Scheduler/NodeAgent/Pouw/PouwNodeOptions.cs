namespace Energy.Scheduler.NodeAgent.Pouw;

/// <summary>
/// What <c>heatgrid agent --pouw-api URL --pouw-job TENANT/JOB</c> mines: the controller's HTTP API and an agent API key,
/// the job, the seed of the weights the job was registered with (<c>heatgrid pouw weights --seed S</c>), and the folder
/// that holds tickets until the controller has answered them.
/// </summary>
public sealed record PouwNodeOptions(Uri Api, string ApiKey, string Tenant, string Job, long WeightsSeed, string OutboxFolder)
{
    /// <summary>How often the job's header is read again (and at once after a ticket was refused as stale).</summary>
    public TimeSpan HeaderRefresh { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Synthetic request batches logged per second at most: each is one <c>POST …/batches</c> and one jobs.json write at the controller.</summary>
    public double MaxBatchesPerSecond { get; init; } = 20;

    /// <summary>Logged batches waiting for the miner.</summary>
    public int QueuedBatches { get; init; } = 4;

    /// <summary>Tickets the outbox holds at most; beyond, the oldest is dropped (and logged).</summary>
    public int OutboxCap { get; init; } = 10_000;

    /// <summary>The first wait after a connection error or a 5xx; it doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The wait after a 401/403: the key will not mend itself, so no tight loop.</summary>
    public TimeSpan UnauthorizedRetry { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The API's base address with a trailing slash, so that relative paths append to it.</summary>
    public Uri BaseAddress => Api.AbsoluteUri.EndsWith('/') ? Api : new Uri(Api.AbsoluteUri + "/");
}
