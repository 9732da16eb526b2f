namespace Energy.Scheduler.Cli.Bench;

/// <summary>The node agents of a <c>bench dr</c> run as the bench sees them, wherever they live.</summary>
internal interface IDemandResponseBenchAgents : IAsyncDisposable
{
    /// <summary>The processes the agents run in (1: the bench's own).</summary>
    int Processes { get; }

    /// <summary>Every GPU power the agents command, against the site's cap.</summary>
    CapMonitor Cap { get; }

    /// <summary>
    /// Completes, with what happened, when agents are lost mid-run (an agent process exited); never
    /// completes while every agent is there. The run stops at once rather than count them as missing.
    /// </summary>
    Task<string> Lost { get; }

    /// <summary>Starts the agents and returns once every one is connected.</summary>
    Task StartAsync(CancellationToken ct);

    /// <summary>
    /// The sum of what the agents command (GPU watts), counting only agents whose figure is known as of
    /// <paramref name="knownSince"/> or later (an agent not heard from since counts 0). Agents in other
    /// processes stamp their reports with their own clock: the same system clock, on the same machine.
    /// </summary>
    double CommandedW(DateTimeOffset knownSince);
}
