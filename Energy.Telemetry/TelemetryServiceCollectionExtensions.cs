using Energy.Telemetry.Signals;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Energy.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The signal registry and the embedded time-series store under <paramref name="dataFolder"/>.</summary>
    public static IServiceCollection AddEnergyTelemetry(this IServiceCollection services, string dataFolder)
    {
        services.AddSingleton<SignalRegistry>();
        services.AddSingleton<ITimeSeriesStore>(sp => ActivatorUtilities.CreateInstance<EmbeddedTimeSeriesStore>(sp, dataFolder));
        return services;
    }
}
