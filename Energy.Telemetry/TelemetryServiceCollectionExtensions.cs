using Energy.Contracts.Devices;
using Energy.Contracts.Sites;
using Energy.Telemetry.Health;
using Energy.Telemetry.History;
using Energy.Telemetry.Modbus.Polling;
using Energy.Telemetry.Signals;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// The signal registry, the process's alarms, the time-series store and the probe that says when <paramref name="dataFolder"/>
    /// stops taking writes. The store is the embedded one under <paramref name="dataFolder"/>, or with <paramref name="history"/>
    /// InfluxDB through the disk spool (<see cref="SpooledTimeSeriesStore"/>).
    /// </summary>
    public static IServiceCollection AddEnergyTelemetry(this IServiceCollection services, string dataFolder, HistoryOptions? history = null)
    {
        services.AddSingleton<SignalRegistry>();
        services.TryAddSingleton<Alarms>();
        if (history is not null)
        {
            services.AddHistory(dataFolder, history);
        }
        else
        {
            services.AddSingleton<ITimeSeriesStore>(sp => ActivatorUtilities.CreateInstance<EmbeddedTimeSeriesStore>(sp, dataFolder));
        }

        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<DataFolderProbe>(sp, dataFolder));
        services.AddHostedService(sp => sp.GetRequiredService<DataFolderProbe>());
        return services;
    }

    private static void AddHistory(this IServiceCollection services, string dataFolder, HistoryOptions history)
    {
        services.AddSingleton(sp =>
        {
            var token = Environment.GetEnvironmentVariable(history.TokenVariable);
            var folder = history.SpoolFolderIn(dataFolder);
            var logger = sp.GetRequiredService<ILogger<SpooledTimeSeriesStore>>();
            Log.HistoryWriting(logger, folder, history.SpoolLimitBytes, history.Url!, history.Org, history.Bucket,
                string.IsNullOrEmpty(token) ? $"none (${history.TokenVariable} is not set: fine for VictoriaMetrics, InfluxDB answers 401)" : $"from ${history.TokenVariable}");
            var time = sp.GetRequiredService<TimeProvider>();
            var alarms = sp.GetRequiredService<Alarms>();
            var spool = new HistorySpool(folder, history.SpoolLimitBytes, time, logger, alarms);
            return new SpooledTimeSeriesStore(spool, new InfluxHistoryWriter(history, token), history, time, logger, alarms);
        });
        services.AddSingleton<ITimeSeriesStore>(sp => sp.GetRequiredService<SpooledTimeSeriesStore>());
        services.AddHostedService(sp => sp.GetRequiredService<SpooledTimeSeriesStore>());
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
