using Energy.Contracts.Sites;
using Energy.Scheduler.Audit;
using Energy.Telemetry.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Policy;

/// <summary>The operator policy at run time: its versions in <c>DATA/policy/</c> (with <c>--ha</c>, in the shared database) and the <see cref="PolicyState"/> the planner and controller read.</summary>
public static class PolicyServices
{
    public static IServiceCollection AddRunTimePolicy(this IServiceCollection services, string dataFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        // The versions live in the data folder, or with --ha in the database the site's controllers share: same state, same code.
        services.AddSingleton<IPolicyVersionStore>(sp => sp.GetService<Ha.HaDatabase>() is { } shared ? new Ha.PgPolicyStore(shared) : new PolicyStore(dataFolder));
        services.AddSingleton(sp => new PolicyState(sp.GetRequiredService<Site>(), sp.GetRequiredService<IPolicyVersionStore>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PolicyState>>(), sp.GetService<IAuditTrail>(), sp.GetService<Alarms>()));
        return services;
    }
}
