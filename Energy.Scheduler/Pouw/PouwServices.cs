using Energy.Contracts.Sites;
using Energy.Scheduler.Books;
using Energy.Scheduler.Ha;
using Energy.Telemetry.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Pouw;

public static class PouwServices
{
    /// <summary>
    /// Proof of useful work: <see cref="PouwBooks"/> on <c>DATA/pouw/jobs.json</c> (with <c>--ha</c>, a <see cref="PgStateDocuments"/>
    /// registered: the shared database's document <see cref="PouwBooks.DocumentName"/>, followed at takeovers by
    /// <see cref="PouwTakeover"/>) and the energy ledger's proof table (needs <see cref="LedgerServices.AddEnergyLedger"/>).
    /// Made when the host starts, so a broken jobs.json stops the start.
    /// </summary>
    public static IServiceCollection AddProofOfUsefulWork(this IServiceCollection services, string dataFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        services.AddSingleton(sp => new PouwBooks(dataFolder, sp.GetRequiredService<ILedgerStore>(), sp.GetRequiredService<Site>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PouwBooks>>(), sp.GetService<Alarms>(),
            documents: sp.GetService<PgStateDocuments>()));
        services.AddHostedService<PouwBooksStart>();
        return services;
    }

    /// <summary>Makes the books at start (reading jobs.json) rather than at the first request; with <c>--ha</c>, follows leadership.</summary>
    private sealed class PouwBooksStart(IServiceProvider services, TimeProvider time) : BackgroundService
    {
        private PouwTakeover? _takeover;

        public override Task StartAsync(CancellationToken cancellationToken)
        {
            var books = services.GetRequiredService<PouwBooks>();
            if (books.IsShared && services.GetService<ILeadership>() is { } leadership)
            {
                _takeover = new PouwTakeover(books, leadership, services.GetRequiredService<ILogger<PouwTakeover>>());
                _takeover.Attach();
            }

            return base.StartAsync(cancellationToken);
        }

        public override Task StopAsync(CancellationToken cancellationToken)
        {
            _takeover?.Detach();
            return base.StopAsync(cancellationToken);
        }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (_takeover is null)
            {
                return;
            }

            using var timer = new PeriodicTimer(HaTakeover.RefreshEvery, time);
            while (await timer.TickOrStopAsync(stoppingToken) && !stoppingToken.IsCancellationRequested)
            {
                _takeover.Refresh();
            }
        }
    }
}

/// <summary>
/// The PoUW job registry follows leadership (<c>--ha</c>). Taking over, before the first batch: the registry is read again
/// from the shared document and the ledger's newest batches restored into it, in place, so the verifier knows every job
/// the old leader registered and the headers it advanced. A database that cannot be read then fails the takeover (the
/// <see cref="IOException"/> propagates, as <see cref="HaTakeover"/>'s policy reload does); a document that does not read
/// as a registry is alarmed and the jobs in memory stay. As a standby, <see cref="Refresh"/> reads it again whenever the
/// leader wrote it, so the read-only <c>GET /api/pouw</c> shows the leader's jobs.
/// </summary>
public sealed class PouwTakeover(PouwBooks books, ILeadership leadership, ILogger<PouwTakeover> logger)
{
    public void Attach() => leadership.TakingOver += OnTakingOver;

    public void Detach() => leadership.TakingOver -= OnTakingOver;

    /// <summary>A standby's poll (also a leader's while the document does not read, so that a restored one is taken up).</summary>
    public void Refresh()
    {
        if (leadership.Role == ControllerRole.Leader && !books.SharedUnreadable)
        {
            return;
        }

        try
        {
            // While it does not read, it is read every time (a person may put a good one back without touching its updated_at).
            if (books.Reload(restoreActivations: leadership.Role == ControllerRole.Leader, onlyIfWritten: !books.SharedUnreadable))
            {
                Log.PouwSharedRefreshed(logger, books.JobsPath, books.Registry.Jobs().Count);
            }
        }
        catch (IOException e)
        {
            // The database is away: the leadership says so (ha.database); the jobs read last stay.
            Log.PouwSharedRefreshFailed(logger, books.JobsPath, e.Message);
        }
    }

    private void OnTakingOver(LeadershipMove move)
    {
        // An IOException (the database went away) propagates: the takeover fails and leadership steps down.
        if (books.Reload(restoreActivations: true))
        {
            Log.PouwSharedTakenOver(logger, books.JobsPath, books.Registry.Jobs().Count);
        }
    }
}
