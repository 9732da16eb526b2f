using System.Globalization;
using System.Text;
using System.Text.Json;
using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Scheduler.Api;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Api.Mqtt;

/// <summary>
/// Publishes HeatGrid's state (every few seconds) and plan (when it changes), retained, under
/// <c>heatgrid/&lt;site&gt;/…</c>, one retained number per main sensor, and the Home Assistant discovery
/// configs on every connect. The link's last will marks <c>heatgrid/&lt;site&gt;/status</c> offline.
/// </summary>
/// <remarks>With <c>--ha</c> only the leader publishes (a standby's shadow state is not the site's); it marks the site's status
/// topic online when it starts publishing, each controller's own will going to <see cref="ControllerStatusTopic"/>.</remarks>
public sealed class MqttStatePublisher(Site site, MqttLink link, StatusBoard board, CurrentPlan plan, TimeProvider time, ILogger<MqttStatePublisher> logger,
    Ha.ILeadership? leadership = null) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IReadOnlyList<HomeAssistantDiscovery.SensorSpec> _sensors = HomeAssistantDiscovery.Sensors(site.Workloads.Select(w => w.Name));
    private volatile bool _announce = true;
    private Plan? _published;

    public static string StatusTopic(Site site) => $"heatgrid/{site.Name}/status";

    /// <summary>With <c>--ha</c>: one controller's own online/offline (its will), beside the site's <see cref="StatusTopic"/>.</summary>
    public static string ControllerStatusTopic(Site site, string name) => $"heatgrid/{site.Name}/controllers/{name}/status";

    public static string StateTopic(Site site) => $"heatgrid/{site.Name}/state";

    public static string PlanTopic(Site site) => $"heatgrid/{site.Name}/plan";

    /// <summary>One round: discovery if (re)connected, state and sensors, the plan if new.</summary>
    public async Task PublishOnceAsync(CancellationToken cancellationToken)
    {
        if (link.State != MqttLinkState.Connected || (leadership is not null && !leadership.MayDispatch()))
        {
            _announce = true;
            return;
        }

        if (_announce)
        {
            if (leadership is not null)
            {
                await link.PublishAsync(StatusTopic(site), "online"u8.ToArray(), 1, retain: true, cancellationToken);
            }

            foreach (var sensor in _sensors)
            {
                await link.PublishAsync(HomeAssistantDiscovery.ConfigTopic(site.Name, sensor),
                    HomeAssistantDiscovery.Config(site.Name, sensor, StatusTopic(site), site.Currency.Code), 1, retain: true, cancellationToken);
            }

            _announce = false;
            _published = null;
        }

        if (board.Current is { } status)
        {
            // Per-GPU assignments stay on the HTTP API: a retained state of a few hundred kB every 5 s helps no subscriber.
            await link.PublishAsync(StateTopic(site), JsonSerializer.SerializeToUtf8Bytes(status with { GpuAssignments = [] }, Json), 0, retain: true, cancellationToken);
            foreach (var (id, value) in SensorValues(status))
            {
                await link.PublishAsync($"heatgrid/{site.Name}/sensor/{id}",
                    Encoding.UTF8.GetBytes(value.ToString("0.###", CultureInfo.InvariantCulture)), 0, retain: true, cancellationToken);
            }
        }

        if (plan.Plan is { } current && !ReferenceEquals(current, _published)
            && await link.PublishAsync(PlanTopic(site), JsonSerializer.SerializeToUtf8Bytes(PlanView.From(current), Json), 1, retain: true, cancellationToken))
        {
            _published = current;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        link.StateChanged += state => _announce |= state == MqttLinkState.Connected;
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            try
            {
                await PublishOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Loop boundary: publishing is a report, never a reason to stop control; the next round retries.
                Log.MqttPublishFailed(logger, e);
            }
        }
        while (await timer.TickOrStopAsync(stoppingToken));
    }

    private static IEnumerable<(string Id, double Value)> SensorValues(SiteStatus s)
    {
        yield return ("grid_import", s.GridImportKw);
        if (s.PriceEurPerMwh is { } price)
        {
            yield return ("spot_price", price);
        }

        yield return ("heat_demand", s.Heat.DemandKw);
        yield return ("heat_delivered", s.Heat.DeliveredKw);
        yield return ("tank_stored", s.Heat.StoredKwh);
        yield return ("heat_dumped", s.Heat.DumpedKw);
        yield return ("boiler", s.Heat.BoilerKw);
        foreach (var w in s.Workloads.Where(w => w.Kind != "idle"))
        {
            yield return ("workload_" + HomeAssistantDiscovery.Id(w.Name), w.PowerKw);
        }
    }
}
