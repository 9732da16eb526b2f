using System.Net;
using Energy.Contracts.Sites;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Prices;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Api.Mqtt;

/// <summary>MQTT of the controller: the embedded broker unless an external one is given, the supervised link, ingest, publishing and curtailment requests.</summary>
public static class MqttServices
{
    /// <summary>Started early: the site's MQTT inputs arrive before the first plan is made; state, plans and curtailments flow once the controller runs.</summary>
    /// <param name="haName">With <c>--ha</c>, this controller's name among its peers: its client id and its will's topic are its own
    /// (two controllers under one client id would throw each other off the broker), and the site's status and state are
    /// published by the leader only.</param>
    public static IServiceCollection AddControllerMqtt(this IServiceCollection services, Site site, MqttSetup setup, string? haName = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(setup);
        var clientId = $"heatgrid-{HomeAssistantDiscovery.Id(site.Name)}-controller"
            + (haName is null ? "" : "-" + new string([.. haName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]));
        var statusTopic = haName is null ? MqttStatePublisher.StatusTopic(site) : MqttStatePublisher.ControllerStatusTopic(site, haName);
        var broker = setup.Broker is { } external
            ? external with { ClientId = clientId, StatusTopic = statusTopic }
            : new MqttBrokerOptions
            {
                Host = setup.Connect.Address.ToString(),
                Port = setup.Connect.Port,
                ClientId = clientId,
                StatusTopic = statusTopic,
            };

        if (setup.Broker is null)
        {
            // Clients authenticate as HeatGrid's users; the control topics are their owners' only (MqttAcl).
            services.AddSingleton(sp => new Security.BrokerIdentities(sp.GetService<Security.UserDirectory>()));
            services.AddSingleton(sp => new EmbeddedBroker(setup.Listen, sp.GetRequiredService<ILogger<EmbeddedBroker>>(), alarms: sp.GetService<Energy.Telemetry.Health.Alarms>(),
                authenticator: sp.GetRequiredService<Security.BrokerIdentities>()));
            services.AddHostedService<EmbeddedBrokerService>();
        }

        services.AddSingleton(sp => new MqttLink(
            setup.Broker is null
                ? broker with { Username = Security.BrokerIdentities.InternalUser, Password = sp.GetRequiredService<Security.BrokerIdentities>().InternalPassword }
                : broker,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MqttLink>>()));
        services.AddSingleton<MqttSignalIngest>();
        services.AddHostedService<MqttLinkService>();
        services.AddSingleton<MqttStatePublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttStatePublisher>());
        services.AddHostedService<CurtailmentListener>();
        return services;
    }

    /// <summary>Starts the embedded broker before anything connects to it.</summary>
    private sealed class EmbeddedBrokerService(EmbeddedBroker broker) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => broker.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => broker.StopAsync();
    }

    /// <summary>Subscribes the site's inputs and starts the link; a broker that is down does not stop start-up.</summary>
    private sealed class MqttLinkService(MqttLink link, MqttSignalIngest ingest, Site site, IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            ingest.Attach(link);
            ingest.ExpectAll(services.GetRequiredService<TimeProvider>().GetUtcNow());
            if (services.GetService<FilePriceSource>() is { } prices)
            {
                MqttPriceFeed.Attach(link, site, prices, services.GetRequiredService<TimeProvider>());
            }

            await link.StartAsync(cancellationToken);
        }

        public async Task StopAsync(CancellationToken cancellationToken) => await link.DisposeAsync();
    }
}
