using Energy.Contracts.Sites;
using Energy.Gpu.Agents;
using Energy.Gpu.Devices;
using Energy.Scheduler.Controller.Agents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.NodeAgent;

/// <summary>The node agent's part of a host: this host's GPUs run by <see cref="AgentCore"/> for the controller.</summary>
public static class NodeAgentServices
{
    /// <summary>How long an assignment holds without renewal before an agent falls to the safe state.</summary>
    public static readonly TimeSpan Deadman = AgentOptions.DefaultDeadman;

    /// <summary>The node name of the agent in <c>heatgrid run</c>.</summary>
    public const string LocalNode = "local";

    /// <summary>This process's GPUs as one agent, reached by direct calls (<c>heatgrid run</c>); it watches the grid frequency itself.</summary>
    public static IServiceCollection AddLocalAgent(this IServiceCollection services)
    {
        services.AddSingleton(sp => new AgentCore(LocalNode, sp.GetRequiredService<IReadOnlyList<IGpuDevice>>(),
            AgentOptions.From(sp.GetRequiredService<Site>(), Deadman), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AgentCore>>()));
        services.AddSingleton<IAgentTransport>(sp =>
        {
            // The in-process agent hears the controller's epoch at once, as agents on a broker do from its retained announcement.
            var agent = sp.GetRequiredService<AgentCore>();
            agent.ObserveEpoch(sp.GetRequiredService<FleetSequencer>().Epoch);
            return new InProcessTransport(sp.GetRequiredService<Fleet>(), [agent], sp.GetRequiredService<GpuBackend>().Description, Deadman,
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService<AgentTickService>();
        return services;
    }
}
