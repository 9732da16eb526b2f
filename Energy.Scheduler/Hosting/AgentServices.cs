using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Sites;
using Energy.Gpu;
using Energy.Gpu.Agents;
using Energy.Gpu.Devices;
using Energy.Scheduler.Controller;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.NodeAgent;
using Energy.Scheduler.Planning;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Hosting;

/// <summary>The controller's side of agents (fleet, sequencer, link) and the in-process agent of <c>heatgrid run</c>.</summary>
public static class AgentServices
{
    /// <summary>How long an assignment holds without renewal before an agent falls to the safe state.</summary>
    public static readonly TimeSpan Deadman = TimeSpan.FromSeconds(10);

    public const string LocalNode = "local";

    /// <summary>Fleet, grid limit, evidence log, epoch, sequencer, the control loop's link and the planner's view of them. The transport is registered apart.</summary>
    public static IServiceCollection AddFleetController(this IServiceCollection services, string? dataFolder)
    {
        services.AddSingleton(sp => new Fleet(sp.GetRequiredService<Site>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Fleet>>()));
        services.AddSingleton(sp => new GridLimit(sp.GetRequiredService<Site>(), dataFolder));
        services.AddSingleton(sp => new DemandResponseLog(dataFolder, sp.GetRequiredService<ILogger<DemandResponseLog>>()));
        services.AddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            return new FleetSequencer(sp.GetRequiredService<Site>(), sp.GetRequiredService<Fleet>(), ControllerEpoch.Next(dataFolder, time), time.GetUtcNow());
        });
        services.AddSingleton(sp => new FleetAgentLink(sp.GetRequiredService<Fleet>(), sp.GetRequiredService<FleetSequencer>(),
            sp.GetRequiredService<IAgentTransport>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAgentLink>(sp => sp.GetRequiredService<FleetAgentLink>());
        services.AddSingleton<ControlState>();
        services.AddSingleton<IPlanningConditionsSource>(sp => new SiteConditions(sp.GetRequiredService<Site>(), sp.GetRequiredService<GridLimit>(),
            sp.GetRequiredService<Fleet>(), sp.GetRequiredService<ControlState>()));
        return services;
    }

    /// <summary>This process's GPUs as one agent, reached by direct calls (<c>heatgrid run</c>).</summary>
    public static IServiceCollection AddLocalAgent(this IServiceCollection services)
    {
        services.AddSingleton(sp => new AgentCore(LocalNode, sp.GetRequiredService<IReadOnlyList<IGpuDevice>>(),
            AgentOptions.From(sp.GetRequiredService<Site>().Policy), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AgentCore>>()));
        services.AddSingleton<IAgentTransport>(sp =>
        {
            // The in-process agent hears the controller's epoch at once, as agents on a broker do from its retained announcement.
            var agent = sp.GetRequiredService<AgentCore>();
            agent.ObserveEpoch(sp.GetRequiredService<FleetSequencer>().Epoch);
            return new InProcessTransport(sp.GetRequiredService<Fleet>(), [agent], sp.GetRequiredService<GpuBackend>().Description, Deadman,
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService(sp => new AgentTickService(sp.GetRequiredService<AgentCore>(), sp.GetRequiredService<SignalRegistry>(),
            sp.GetRequiredService<DemandResponseLog>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<MqttLink>(), sp.GetRequiredService<Site>().Name));
        return services;
    }

    /// <summary>Agents on the broker: the controller announces its epoch and talks to them over MQTT (<c>heatgrid controller</c>).</summary>
    public static IServiceCollection AddMqttAgentTransport(this IServiceCollection services)
    {
        services.AddSingleton(sp => new MqttAgentTransport(sp.GetRequiredService<MqttLink>(), new AgentTopics(sp.GetRequiredService<Site>().Name),
            sp.GetRequiredService<Fleet>(), sp.GetRequiredService<DemandResponseLog>(), sp.GetRequiredService<ILogger<MqttAgentTransport>>()));
        services.AddSingleton<IAgentTransport>(sp => sp.GetRequiredService<MqttAgentTransport>());
        services.AddHostedService<ControllerAnnouncer>();
        return services;
    }

    /// <summary>Announces the controller's epoch (retained) on every connect, so agents refuse older controllers from then on.</summary>
    private sealed class ControllerAnnouncer(MqttLink link, MqttAgentTransport transport, FleetSequencer sequencer, TimeProvider time) : IHostedService
    {
        private readonly DateTimeOffset _startedAt = time.GetUtcNow();

        public Task StartAsync(CancellationToken cancellationToken)
        {
            link.StateChanged += state =>
            {
                if (state == MqttLinkState.Connected)
                {
                    _ = AnnounceAsync();
                }
            };
            return link.State == MqttLinkState.Connected ? AnnounceAsync() : Task.CompletedTask;
        }

        private async Task AnnounceAsync() =>
            await transport.AnnounceAsync(new ControllerAnnouncement(AgentJson.Version, sequencer.Epoch, _startedAt, true), CancellationToken.None);

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (link.State == MqttLinkState.Connected)
            {
                await transport.AnnounceAsync(new ControllerAnnouncement(AgentJson.Version, sequencer.Epoch, _startedAt, false), cancellationToken);
            }
        }
    }
}
