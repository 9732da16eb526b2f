using Energy.Contracts.Devices;
using Energy.Contracts.Sites;
using Energy.Telemetry.Health;
using Energy.Telemetry.Modbus.Polling;
using Energy.Telemetry.Signals;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The signal registry, the process's alarms, the embedded time-series store under <paramref name="dataFolder"/> and the probe that says when that folder stops taking writes.</summary>
    public static IServiceCollection AddEnergyTelemetry(this IServiceCollection services, string dataFolder)
    {
        services.AddSingleton<SignalRegistry>();
        services.TryAddSingleton<Alarms>();
        services.AddSingleton<ITimeSeriesStore>(sp => ActivatorUtilities.CreateInstance<EmbeddedTimeSeriesStore>(sp, dataFolder));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<DataFolderProbe>(sp, dataFolder));
        services.AddHostedService(sp => sp.GetRequiredService<DataFolderProbe>());
        return services;
    }

    /// <summary>Polls the site's Modbus devices (those <paramref name="include"/> accepts) into the signal registry.</summary>
    public static IServiceCollection AddModbusPolling(this IServiceCollection services, Func<ModbusDevice, bool> include)
    {
        services.AddSingleton(sp => new ModbusPollingService(
            sp.GetRequiredService<Site>(), sp.GetRequiredService<SignalRegistry>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(), include));
        services.AddHostedService(sp => sp.GetRequiredService<ModbusPollingService>());
        return services;
    }
}
