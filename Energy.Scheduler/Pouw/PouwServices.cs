using Energy.Contracts.Sites;
using Energy.Scheduler.Books;
using Energy.Telemetry.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Pouw;

public static class PouwServices
{
    /// <summary>
    /// Proof of useful work: <see cref="PouwBooks"/> on <c>DATA/pouw/jobs.json</c> and the energy ledger's proof table
    /// (needs <see cref="LedgerServices.AddEnergyLedger"/>). Made when the host starts, so a broken jobs.json stops the start.
    /// </summary>
    public static IServiceCollection AddProofOfUsefulWork(this IServiceCollection services, string dataFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        services.AddSingleton(sp => new PouwBooks(dataFolder, sp.GetRequiredService<ILedgerStore>(), sp.GetRequiredService<Site>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PouwBooks>>(), sp.GetService<Alarms>()));
        services.AddHostedService<PouwBooksStart>();
        return services;
    }

    /// <summary>Makes the books at start (reading jobs.json) rather than at the first request.</summary>
    private sealed class PouwBooksStart(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<PouwBooks>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
