using Energy.Telemetry.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Audit;

/// <summary>The audit trail of a host: one <see cref="AuditLog"/> in the data folder, or with <c>--ha</c> one
/// <see cref="Ha.PgAuditTrail"/> in the database the site's controllers share, as <see cref="IAuditTrail"/>.</summary>
public static class AuditServices
{
    public static IServiceCollection AddAuditTrail(this IServiceCollection services, string dataFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        services.AddSingleton(sp => new AuditLog(dataFolder, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AuditLog>>(),
            sp.GetService<Alarms>()));
        services.AddSingleton(sp => new Ha.PgAuditTrail(sp.GetRequiredService<Ha.HaDatabase>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<Ha.PgAuditTrail>>(), sp.GetService<Alarms>()));
        // The same entries and chain in the data folder, or with --ha in the shared database: same callers, same verifier.
        services.AddSingleton<IAuditTrail>(sp => sp.GetService<Ha.HaDatabase>() is null ? sp.GetRequiredService<AuditLog>() : sp.GetRequiredService<Ha.PgAuditTrail>());
        return services;
    }
}
