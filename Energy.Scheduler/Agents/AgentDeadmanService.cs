using Energy.Gpu.Agents;
using Energy.Scheduler.Control;
using Microsoft.Extensions.Hosting;

namespace Energy.Scheduler.Agents;

/// <summary>The agent's own watchdog: every second, GPUs whose assignment ran out go to the safe state.</summary>
public sealed class AgentDeadmanService(NodeAgent agent, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.TickOrStopAsync(stoppingToken))
        {
            agent.EnforceDeadman();
        }
    }
}
