using System.Globalization;
using Energy.Contracts.Sites;

namespace Energy.Scheduler.Planning;

/// <summary>What <c>check-config</c> says about each mining workload's value: its source, its pool, and what it earns.</summary>
public static class MiningValueCheck
{
    public static IReadOnlyList<string> Describe(Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var lines = new List<string>();
        foreach (var m in site.Workloads.OfType<MiningWorkload>())
        {
            if (m.EarnsNothing)
            {
                lines.Add("WARNING: " + MiningValueSource.NoPoolMessage(m));
            }
            else if (m.Pool is { } pool)
            {
                lines.Add($"mining workload {m.Name}: pool {pool.Url} as worker {pool.Worker}"
                    + (pool.PasswordEnv is { } env ? $", password from ${env}" + (Environment.GetEnvironmentVariable(env) is { Length: > 0 } ? string.Empty : " (unset here)") : ", password x (none named)"));
            }

            if (m.ValueSeries is not { } path)
            {
                if (!m.EarnsNothing)
                {
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"mining workload {m.Name}: valued at its constant {m.ValuePerMwh.PerMegawattHour:0.##} {site.Currency.Code}/MWh of GPU energy"));
                }

                continue;
            }

            try
            {
                var series = MiningValueSeries.Read(path);
                foreach (var p in site.Pools.Where(m.MayRunOn))
                {
                    var factor = series.PerMwhFactor(site.Currency, m, p, m.ValueFx, $"valueFx on workload {m.Name}");
                    var last = series.At(series.Last) ?? series.FirstValue;
                    var text = string.Create(CultureInfo.InvariantCulture,
                        $"mining workload {m.Name} on {p.Name}: {series.Column} of {path} ({series.First:yyyy-MM-dd}..{series.Last:yyyy-MM-dd}); its last value is worth {last * factor:0.####} {site.Currency.Code}/MWh of GPU energy");
                    lines.Add(m.EarnsNothing ? text + ", but without a pool it earns nothing" : text);
                }
            }
            catch (MiningValueException e)
            {
                lines.Add($"WARNING: mining workload {m.Name}: its valueSeries cannot be used, so it is planned at its constant value: {e.Message}");
            }
        }

        return lines;
    }
}
