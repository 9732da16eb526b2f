using Energy.Gpu.Pouw;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.NodeAgent.Pouw;

/// <summary>
/// The node agent's PoUW loops: the job source (header, synthetic batches logged at the controller), the ticket
/// outbox's delivery, and for simulated GPUs the CPU miner following their mining duty. A loop that fails is logged
/// and goes on after a pause; the GPUs' own control never waits on any of them.
/// </summary>
public sealed class NodePouwService(InferenceShapesJobSource source, PouwTicketOutbox outbox, PouwNodeOptions options, string where, TimeProvider time,
    ILogger<NodePouwService> logger, SimulatedGpuPouwMining? cpuMining = null) : BackgroundService
{
    /// <summary>How often the CPU miner follows the simulated GPUs' targets.</summary>
    public static readonly TimeSpan FollowPeriod = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan RestartPause = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        outbox.StaleHeader = source.RequestRefresh;
        Log.PouwNodeMining(logger, options.Tenant, options.Job, options.BaseAddress.GetLeftPart(UriPartial.Authority), where, options.WeightsSeed, outbox.Folder);
        var loops = new List<Task>
        {
            LoopAsync("job source", source.RunAsync, stoppingToken),
            LoopAsync("ticket outbox", outbox.RunAsync, stoppingToken),
        };
        if (cpuMining is not null)
        {
            loops.Add(LoopAsync("CPU miner", FollowAsync, stoppingToken));
        }

        return Task.WhenAll(loops);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        cpuMining?.Dispose();
    }

    private async Task FollowAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(FollowPeriod, time);
        while (await timer.TickOrStopAsync(ct))
        {
            cpuMining!.Update();
        }
    }

    private async Task LoopAsync(string name, Func<CancellationToken, Task> loop, CancellationToken ct)
    {
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await loop(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Loop boundary: a fault in one PoUW loop must not stop the agent (its GPUs' control goes on).
                Log.PouwNodeLoopFailed(logger, name, RestartPause.TotalSeconds, e);
                await Task.Delay(RestartPause, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
