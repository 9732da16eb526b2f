using Energy.Scheduler.Controller;
using Microsoft.Extensions.DependencyInjection;

namespace Energy.Scheduler.Books;

public static class LedgerServices
{
    /// <summary>The energy ledger in <paramref name="dataFolder"/> (<see cref="LedgerStore.FileName"/>), recorded by <see cref="EnergyRecorder"/>.</summary>
    public static IServiceCollection AddEnergyLedger(this IServiceCollection services, string dataFolder)
    {
        services.AddSingleton(_ => LedgerStore.Open(dataFolder));
        services.AddSingleton<FleetSamples>();
        services.AddSingleton<EnergyRecorder>();
        services.AddSingleton<ILedgerReader>(sp => sp.GetRequiredService<EnergyRecorder>());   // the slot in progress as of the last tick
        services.AddHostedService(sp => sp.GetRequiredService<EnergyRecorder>());
        return services;
    }
}
