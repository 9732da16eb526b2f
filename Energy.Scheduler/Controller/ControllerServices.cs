using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Sites;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Energy.Telemetry.Health;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Controller;

/// <summary>The controller's part of a host: the fleet of agents, the one cap enforcer, the control loop and what it tells the planner.</summary>
public static class ControllerServices
{
    /// <summary>
    /// Fleet, sequencer (epoch from the data folder), the control loop's link, the cap in force (curtailments),
    /// demand-response evidence, the control loop with its validated <see cref="ControlOptions"/>, the status
    /// board and the planner's view of the controller. Agents are reached through the transport registered by
    /// <c>AddLocalAgent</c> (in-process) or <see cref="AddAgentsOverMqtt"/>.
    /// </summary>
    public static IServiceCollection AddController(this IServiceCollection services, RunOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<ControlOptions, ControlOptions.Validator>(configuration, ControlOptions.Section);

        services.AddSingleton<StatusBoard>();
        services.AddSingleton<ControlState>();
        services.AddSingleton<Fleet>();
        // Curtailments in force: the data folder's files, or with --ha the shared database's documents (the same code).
        services.AddSingleton(sp => new GridLimit(sp.GetRequiredService<Site>(),
            sp.GetService<Ha.PgStateDocuments>() ?? (Ha.IStateDocuments)new Ha.FileStateDocuments(options.DataFolder),
            sp.GetService<ILogger<GridLimit>>(), sp.GetService<Alarms>(), sp.GetService<TimeProvider>()));
        // Demand-response evidence: the data folder's dr-events.jsonl, or with --ha the shared database (read again at a takeover).
        services.AddSingleton(sp => new Ha.PgDemandResponseEvents(sp.GetRequiredService<Ha.HaDatabase>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<Ha.PgDemandResponseEvents>>()));
        services.AddSingleton(sp => sp.GetService<Ha.HaDatabase>() is not null
            ? SharedEvidence(sp)
            : ActivatorUtilities.CreateInstance<DemandResponseLog>(sp, options.DataFolder));
        services.AddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            return new FleetSequencer(sp.GetRequiredService<Site>(), sp.GetRequiredService<Fleet>(), ControllerEpoch.Next(options.DataFolder, time,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger(typeof(ControllerEpoch)), sp.GetService<Energy.Telemetry.Health.Alarms>()), time.GetUtcNow(),
                sp.GetService<Policy.PolicyState>());
        });
        services.AddSingleton<FleetAgentLink>();
        services.AddSingleton<IAgentLink>(sp => sp.GetRequiredService<FleetAgentLink>());
        services.AddSingleton<IPlanningConditionsSource, SiteConditions>();
        services.AddSingleton<ControlLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<ControlLoop>());
        return services;
    }

    private static DemandResponseLog SharedEvidence(IServiceProvider sp)
    {
        var log = DemandResponseLog.InStore(sp.GetRequiredService<Ha.PgDemandResponseEvents>(), sp.GetRequiredService<ILogger<DemandResponseLog>>(), sp.GetService<Alarms>());
        if (sp.GetService<Ha.ILeadership>() is { } leadership)
        {
            leadership.Leading += _ => log.Refresh();
        }

        return log;
    }

    /// <summary>
    /// Agents on the broker: the controller announces its epoch and talks to them over MQTT (<c>heatgrid controller</c>),
    /// every message signed with the agents' keys from <paramref name="keys"/> (unsigned only with <c>--insecure-unsigned</c>).
    /// </summary>
    public static IServiceCollection AddAgentsOverMqtt(this IServiceCollection services, AgentKeySource keys, string? dataFolder)
    {
        ArgumentNullException.ThrowIfNull(keys);
        services.AddSingleton(sp => new AgentTopics(sp.GetRequiredService<Site>().Name));
        services.AddSingleton(sp => AgentKeyRing.Load(keys, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AgentKeyRing>>(),
            sp.GetRequiredService<Alarms>()));
        services.AddSingleton(sp => new ControllerEpochGuard(sp.GetRequiredService<FleetSequencer>(), sp.GetRequiredService<Alarms>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ControllerEpochGuard>>(), dataFolder, sp.GetService<Ha.ILeadership>()));
        services.AddSingleton<MqttAgentTransport>();
        services.AddSingleton<IAgentTransport>(sp => sp.GetRequiredService<MqttAgentTransport>());
        services.AddHostedService<ControllerAnnouncer>();
        return services;
    }

    /// <summary>Announces the controller's epoch (retained) on every connect, so agents refuse older controllers from then on.</summary>
    private sealed class ControllerAnnouncer(MqttLink link, MqttAgentTransport transport) : IHostedService
    {
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

        private async Task AnnounceAsync() => await transport.AnnounceAsync(online: true, CancellationToken.None);

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (link.State == MqttLinkState.Connected)
            {
                await transport.AnnounceAsync(online: false, cancellationToken);
            }
        }
    }
}
