using Microsoft.Extensions.DependencyInjection;

namespace Energy.Scheduler.Books;

public static class LedgerServices
{
    /// <summary>The energy ledger in <paramref name="dataFolder"/> (<see cref="LedgerStore.FileName"/>), recorded by <see cref="EnergyRecorder"/>.</summary>
    public static IServiceCollection AddEnergyLedger(this IServiceCollection services, string dataFolder)
    {
        services.AddSingleton(_ => LedgerStore.Open(dataFolder));
        services.AddSingleton<ILedgerReader>(sp => sp.GetRequiredService<LedgerStore>());
        services.AddSingleton<EnergyRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<EnergyRecorder>());
        return services;
    }
}
