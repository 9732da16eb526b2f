using Energy.Telemetry.Modbus.Simulation;
using Energy.Telemetry.Prices;
using Microsoft.Extensions.DependencyInjection;

namespace Energy.Scheduler.Plant;

/// <summary>The demo's part of a host: the simulated plant HeatGrid runs against where no real site is connected.</summary>
public static class PlantServices
{
    /// <summary>
    /// The demo world (heat loops, tank, boiler, site meter, BMS and tenants), its sensors (the simulated Modbus
    /// devices when <see cref="RunOptions.ServeSimulatedDevices"/>, the site's MQTT topics, the signal registry) and,
    /// without real prices, the synthetic day-ahead market. Its hosted services start before planning, so that the
    /// first plan is made on its readings.
    /// </summary>
    public static IServiceCollection AddDemoPlant(this IServiceCollection services, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Prices is null)
        {
            services.AddSingleton<IPriceSource, SyntheticMarket>();
        }

        if (options.ServeSimulatedDevices)
        {
            services.AddSingleton<SimulatedDeviceHost>();
            services.AddHostedService<SimulatedDevicesService>();
        }

        services.AddSingleton<DemoSensors>();
        services.AddSingleton<DemoWorld>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoWorld>());
        return services;
    }
}
