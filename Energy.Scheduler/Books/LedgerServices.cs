using Energy.Scheduler.Controller;
using Microsoft.Extensions.DependencyInjection;

namespace Energy.Scheduler.Books;

public static class LedgerServices
{
    /// <summary>
    /// The energy ledger, recorded by <see cref="EnergyRecorder"/>: in <paramref name="dataFolder"/> (<see cref="LedgerStore.FileName"/>), or with
    /// <c>--ha</c> (a <see cref="Ha.HaDatabase"/> registered) in the shared database, where only the leader writes (<see cref="Ha.PgLedgerStore"/>).
    /// </summary>
    public static IServiceCollection AddEnergyLedger(this IServiceCollection services, string dataFolder)
    {
        services.AddSingleton<ILedgerStore>(sp =>
        {
            if (sp.GetService<Ha.HaDatabase>() is not { } shared)
            {
                return LedgerStore.Open(dataFolder);
            }

            var leadership = sp.GetRequiredService<Ha.ILeadership>();
            return new Ha.PgLedgerStore(shared, () => leadership.Role == Ha.ControllerRole.Leader ? leadership.Epoch : 0);
        });
        services.AddSingleton<FleetSamples>();
        services.AddSingleton<EnergyRecorder>();
        services.AddSingleton<ILedgerReader>(sp => sp.GetRequiredService<EnergyRecorder>());   // the slot in progress as of the last tick
        services.AddHostedService(sp => sp.GetRequiredService<EnergyRecorder>());
        return services;
    }
}
