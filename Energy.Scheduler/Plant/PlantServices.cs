using Energy.Telemetry.Modbus.Simulation;
using Energy.Telemetry.Prices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Plant;

/// <summary>The demo's part of a host: the simulated plant HeatGrid runs against where no real site is connected.</summary>
public static class PlantServices
{
    /// <summary>
    /// The demo world (heat loops, tank, boiler, site meter, BMS and tenants) and its sensors, as far as the
    /// <paramref name="scope"/> reaches: the simulated Modbus devices (served when <see cref="RunOptions.ServeSimulatedDevices"/>),
    /// the site's MQTT topics on the embedded broker, the signal registry, and the synthetic day-ahead market. Nothing
    /// when the demo does not run. Its hosted services start before planning, so that the first plan is made on its readings.
    /// </summary>
    public static IServiceCollection AddDemoPlant(this IServiceCollection services, DemoScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!scope.Runs)
        {
            return services;
        }

        if (scope.SyntheticMarket)
        {
            services.AddSingleton<IPriceSource, SyntheticMarket>();
        }

        if (scope.ServesDevices && scope.SimulatedDevices.Count > 0)
        {
            services.AddSingleton<SimulatedDeviceHost>();
            services.AddHostedService<SimulatedDevicesService>();
        }

        services.AddSingleton<DemoSensors>();
        services.AddSingleton(sp => new DemoMeterRegisters(sp.GetService<RunOptions>()?.DataFolder, sp.GetService<ILogger<DemoMeterRegisters>>()));
        services.AddSingleton<DemoWorld>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoWorld>());
        return services;
    }
}
