using Energy.Telemetry.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Audit;

/// <summary>The audit trail of a host: one <see cref="AuditLog"/> in the data folder, as <see cref="IAuditTrail"/>.</summary>
public static class AuditServices
{
    public static IServiceCollection AddAuditTrail(this IServiceCollection services, string dataFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        services.AddSingleton(sp => new AuditLog(dataFolder, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AuditLog>>(),
            sp.GetService<Alarms>()));
        services.AddSingleton<IAuditTrail>(sp => sp.GetRequiredService<AuditLog>());
        return services;
    }
}
