using Energy.Scheduler.Audit;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Ha;

/// <summary><c>heatgrid controller --ha</c>: the shared database, the leadership on it, and what moves with leadership.</summary>
public static class HaServices
{
    /// <summary>
    /// The database (migrated already: <see cref="HaDatabase.MigrateAsync"/> runs before the host is built), its state
    /// documents, the leadership (<see cref="PgLeadership"/>) and <see cref="HaTakeover"/>. With these registered the policy's
    /// versions and the curtailments are kept in the database instead of the data folder.
    /// </summary>
    public static IServiceCollection AddHighAvailability(this IServiceCollection services, HaDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        services.AddSingleton(database);
        services.AddSingleton(sp => new PgStateDocuments(sp.GetRequiredService<HaDatabase>()));
        services.AddSingleton<PgLeadership>();
        services.AddSingleton<ILeadership>(sp => sp.GetRequiredService<PgLeadership>());
        services.AddHostedService<HaTakeover>();
        services.AddHostedService(sp => sp.GetRequiredService<PgLeadership>());
        return services;
    }
}

/// <summary>
/// What moves with leadership. Taking over, before the first batch: the sequencer takes the database's epoch, the policy
/// and the curtailments the old leader kept are read (merged with what this controller heard itself), and the shared
/// documents become writable. Once leading: the epoch is announced to the agents (retained) and the takeover is an audit
/// entry. Stepping down: writes stop, and that is an audit entry too. As a standby: the policy and curtailments are read
/// again every <see cref="RefreshEvery"/>, so the shadow plan and the read-only API show what the leader holds.
/// </summary>
public sealed class HaTakeover(
    ILeadership leadership,
    FleetSequencer sequencer,
    PgStateDocuments documents,
    RunOptions options,
    TimeProvider time,
    ILogger<HaTakeover> logger,
    PolicyState? policy = null,
    GridLimit? limit = null,
    IAuditTrail? audit = null,
    MqttAgentTransport? transport = null) : BackgroundService
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(3);

    private IReadOnlyList<Curtailment> _adopted = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        leadership.TakingOver += OnTakingOver;
        leadership.Leading += OnLeading;
        leadership.SteppedDown += OnSteppedDown;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshEvery, time);
        while (await timer.TickOrStopAsync(stoppingToken) && !stoppingToken.IsCancellationRequested)
        {
            if (leadership.Role == ControllerRole.Leader)
            {
                continue;
            }

            try
            {
                policy?.Reload();
                limit?.Reload(time.GetUtcNow(), save: false);
            }
            catch (IOException e)
            {
                // The database is away: the leadership says so (ha.database); what was read last stays.
                Log.HaRefreshFailed(logger, e.Message);
            }
        }
    }

    private void OnTakingOver(LeadershipMove move)
    {
        var now = time.GetUtcNow();
        sequencer.MoveTo(move.Epoch, now);
        ControllerEpoch.Save(options.DataFolder, move.Epoch, logger);
        documents.Writing = true;
        policy?.Reload();                      // throws IOException if the database went away: the takeover fails, leadership steps down
        limit?.Reload(now, save: true);
        _adopted = limit?.AdoptedAtLastReload ?? [];
    }

    private void OnLeading(LeadershipMove move)
    {
        audit?.Record(AuditActor.Controller, "ha.takeover", new { leader = move.Previous, epoch = move.PreviousEpoch },
            new { leader = move.Leader, epoch = move.Epoch, at = move.At }, move.Why);
        foreach (var c in _adopted)
        {
            // Heard on the broker while no controller led (no leader audited it): in force now, and in the trail once.
            audit?.Record(new AuditActor("mqtt", null, c.SetBy ?? "mqtt"), "dr.curtail", null,
                new { c.Id, capKw = c.Cap.Kilowatts, c.Until }, $"heard while no controller led; in force under {move.Leader}" + (c.Reason is { } r ? $": {r}" : ""));
        }

        _adopted = [];
        if (transport is not null)
        {
            _ = transport.AnnounceAsync(online: true, CancellationToken.None).AsTask();
        }
    }

    private void OnSteppedDown(string why)
    {
        documents.Writing = false;
        audit?.Record(AuditActor.Controller, "ha.stepDown", new { leader = leadership.View().Name, epoch = leadership.Epoch }, null, why);
    }
}
