using Energy.Contracts.Sites;
using Energy.Gpu;
using Energy.Gpu.Agents;
using Energy.Gpu.Devices;
using Energy.Scheduler.Controller;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Controller.Mqtt;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Scheduler.Planning.Lp;
using Energy.Scheduler.Plant;
using Energy.Telemetry;
using Energy.Telemetry.Modbus.Simulation;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Prices;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Hosting;

public static class SchedulerServiceCollectionExtensions
{
    /// <summary>
    /// Planner, planning service, control loop and the in-process agent link. With
    /// <paramref name="demo"/>, the synthetic market and the simulated heat world feed it.
    /// </summary>
    public static IServiceCollection AddEnergyScheduler(this IServiceCollection services, RunOptions options, bool demo)
    {
        ArgumentNullException.ThrowIfNull(options);
        var serveSimulatedDevices = options.ServeSimulatedDevices;
        services.AddSingleton<CurrentPlan>();
        services.AddSingleton<StatusBoard>();
        services.AddSingleton<IPlanner>(_ => new LpPlanner());
        services.AddSingleton(_ => new DemandHistory(DemandHistory.SignalsOf(options.Site), DemandHistoryRecorder.SamplePeriod));
        services.AddSingleton(sp => new DemandHistoryStore(options.DataFolder, sp.GetRequiredService<ILogger<DemandHistoryStore>>()));
        services.AddSingleton<ForecastLedger>();
        services.AddSingleton<HeatDemandForecast>();
        services.AddSingleton<HeatDemandPublisher>();
        services.AddSingleton<DemandHistoryRecorder>();
        services.AddFleetController(options.DataFolder);
        if (options.Role == HostRole.All)
        {
            services.AddLocalAgent();
        }
        else
        {
            services.AddMqttAgentTransport();
        }
        services.AddSingleton(sp =>
        {
            var planning = ActivatorUtilities.CreateInstance<PlanningService>(sp);
            planning.ScheduledExternally = options.ScheduleJobs;
            return planning;
        });
        if (options.ScheduleJobs)
        {
            services.AddScheduledJobs(options);
        }

        services.AddSingleton<ControlLoop>();

        if (options.Mqtt is { } mqtt)
        {
            services.AddHeatGridMqtt(options.Site, mqtt);
        }

        if (options.Prices is { } prices)
        {
            // Real prices: the last good ones kept across restarts, the file's over them, MQTT updates after;
            // the planner sees a day only once it has been published (12:00 market time the day before).
            services.AddSingleton(sp => new LastGoodPriceStore(options.DataFolder, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LastGoodPriceStore>>()));
            services.AddSingleton(sp =>
            {
                var store = sp.GetRequiredService<LastGoodPriceStore>();
                var held = store.Load() is { } last && last.Currency == options.Site.Currency ? last : PriceHistory.Empty(options.Site.Currency, prices.History.SlotLength);
                var source = new FilePriceSource("day-ahead prices", held, sp.GetRequiredService<ILogger<FilePriceSource>>(), store);
                source.Import(prices);
                return source;
            });
            services.AddSingleton<IPriceSource>(sp => new PublishedPriceSource(sp.GetRequiredService<FilePriceSource>(), options.Site.TimeZone,
                sp.GetRequiredService<TimeProvider>()));
        }
        else if (demo)
        {
            services.AddSingleton<IPriceSource, SyntheticMarket>();
        }

        if (demo)
        {
            if (serveSimulatedDevices)
            {
                services.AddSingleton<SimulatedDeviceHost>();
                services.AddHostedService<SimulatedDevicesService>();
            }

            services.AddSingleton(sp => new DemoSensors(sp.GetRequiredService<Site>(), sp.GetRequiredService<SignalRegistry>(),
                sp.GetService<SimulatedDeviceHost>(), sp.GetService<MqttLink>()));
            services.AddSingleton<DemoWorld>();

            // Started before planning: the demo's sensors publish before the first plan is made.
            services.AddHostedService(sp => sp.GetRequiredService<DemoWorld>());
        }

        // Devices the demo simulates are polled only when the demo serves them.
        services.AddModbusPolling(d => serveSimulatedDevices || !SimulatedDeviceHost.IsSimulated(d));

        // Real demand is in the registry (and the history read back) before the first plan is made.
        services.AddHostedService(sp => sp.GetRequiredService<HeatDemandPublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<DemandHistoryRecorder>());
        services.AddHostedService(sp => sp.GetRequiredService<PlanningService>());
        services.AddHostedService(sp => sp.GetRequiredService<ControlLoop>());
        if (options.Mqtt is not null)
        {
            services.AddHostedService(sp => sp.GetRequiredService<MqttStatePublisher>());
            services.AddHostedService<CurtailmentListener>();
        }

        return services;
    }
}
