using Energy.Contracts.Sites;
using Energy.Gpu.Mining.Stratum;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Mining;

/// <summary>
/// The work a host's mining loads hash: the pool of the site's SHA-256d mining workload (<c>pool</c>,
/// <c>worker</c>, the password from <c>passwordEnv</c>) through a <see cref="StratumClient"/>; without one, a
/// local job whose shares are counted and sent nowhere (it earns nothing; the planner values it at zero).
/// </summary>
public static class MiningJobSources
{
    /// <summary>The job source, and what must be disposed with the backend (the running pool client; null for the local job).</summary>
    /// <param name="connect">How to reach a pool (tests pass an in-memory one); default TCP.</param>
    /// <param name="environment">Reads the password variable; default the process environment.</param>
    public static (IMiningJobSource Jobs, IDisposable? Owned) Create(Site site, TimeProvider time, ILoggerFactory loggers,
        Func<StratumEndpoint, IStratumConnector>? connect = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger(typeof(MiningJobSources).FullName!);
        var pooled = site.Workloads.OfType<MiningWorkload>().Where(m => m.Pool is not null).ToList();
        if (pooled.Count == 0)
        {
            return (LocalMiningJobSource.Genesis(), null);
        }

        var workload = pooled[0];
        var account = workload.Pool!;
        if (pooled.Skip(1).FirstOrDefault(m => m.Pool != account) is { } other)
        {
            Log.PoolOthersIgnored(logger, workload.Name, account.Url, other.Name);
        }

        if (!StratumEndpoint.TryParse(account.Url, out var endpoint, out var error))
        {
            Log.PoolUnusable(logger, workload.Name, error);
            return (LocalMiningJobSource.Genesis(), null);
        }

        if (account.PasswordEnv is { } name && (environment ?? Environment.GetEnvironmentVariable)(name) is not { Length: > 0 })
        {
            Log.PoolPasswordUnset(logger, workload.Name, name);
        }

        var options = new StratumClientOptions { WorkerName = account.Worker, Password = account.Password(environment) };
        var client = new StratumClient(options, (connect ?? (e => new TcpStratumConnector(e)))(endpoint), time, loggers.CreateLogger<StratumClient>());
        var source = new StratumMiningJobSource(client, loggers.CreateLogger<StratumMiningJobSource>());
        Log.PoolConfigured(logger, workload.Name, endpoint.ToString(), account.Worker);
        source.Start();
        return (source, source);
    }
}
