using Energy.Contracts.Sites;
using Energy.Scheduler.NodeAgent;
using Energy.Telemetry.Mqtt;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// All agents in the bench's own process on one tick timer; what they command is read from the agents
/// themselves (always current) and sampled against the cap every 5 ms.
/// </summary>
internal sealed class InProcessBenchAgents(Site site, int agentCount, int gpusPerAgent, MqttBrokerOptions broker, string runId, byte[] secret, TimeProvider time)
    : IDemandResponseBenchAgents
{
    private readonly List<MqttAgent> _agents = DemandResponseBenchSite.CreateAgents(site, 0, agentCount, gpusPerAgent, broker, runId, secret, time);
    private readonly CancellationTokenSource _stop = new();
    private Task _ticker = Task.CompletedTask;
    private Task _monitor = Task.CompletedTask;

    public int Processes => 1;

    /// <summary>Agents in this process go only with it.</summary>
    public Task<string> Lost { get; } = new TaskCompletionSource<string>().Task;

    public CapMonitor Cap { get; } = new(site);

    public async Task StartAsync(CancellationToken ct)
    {
        await DemandResponseBenchSite.ConnectAsync(_agents, broker, ct);
        _ticker = DemandResponseBenchSite.TickAsync(_agents, _stop.Token);
        _monitor = Cap.SampleAsync(() => CommandedW(DateTimeOffset.MinValue), time, _stop.Token);
    }

    public double CommandedW(DateTimeOffset knownSince) => _agents.Sum(a => a.Core.CommandedW);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await DemandResponseBench.SwallowCancellation(_ticker);
        await DemandResponseBench.SwallowCancellation(_monitor);
        await DemandResponseBenchSite.DisposeAsync(_agents);
        _stop.Dispose();
    }
}
