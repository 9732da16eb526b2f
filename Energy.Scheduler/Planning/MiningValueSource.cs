using System.Globalization;
using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Planning;

/// <summary>
/// What mining earns for the live planner (<see cref="PlanningInput.MiningValue"/>), per (workload, pool) and
/// price slot: a workload's <c>valueSeries</c> file (re-read when it changes; each slot takes the value in
/// force at its start, the last value held beyond the file's end), converted to a value per MWh of GPU
/// energy; zero for SHA-256d without a pool, whose shares go nowhere. A series that cannot be used leaves
/// the workload at its constant value, with an alarm saying why.
/// </summary>
public sealed class MiningValueSource(Site site, TimeProvider time, ILogger logger, Alarms? alarms = null)
{
    /// <summary>Held while a SHA-256d workload has no pool (keyed by workload).</summary>
    public const string NoPoolAlarm = "mining.nopool";

    /// <summary>Held while a workload's value series cannot be used, or is stale (keyed by workload).</summary>
    public const string SeriesAlarm = "mining.valueseries";

    /// <summary>A series whose last row is older than this is still used, with a warning.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(2);

    private readonly Dictionary<string, Cached> _cache = new(StringComparer.Ordinal);
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    /// <summary>The values for the slots of <paramref name="curve"/>; null where every workload keeps its constant.</summary>
    public IReadOnlyDictionary<(string Workload, string Pool), IReadOnlyList<double>>? For(PriceCurve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var values = new Dictionary<(string Workload, string Pool), IReadOnlyList<double>>();
        foreach (var m in site.Workloads.OfType<MiningWorkload>())
        {
            var pools = site.Pools.Where(m.MayRunOn).ToList();
            if (m.EarnsNothing)
            {
                foreach (var pool in pools)
                {
                    values[(m.Name, pool.Name)] = new double[curve.Prices.Count];
                }

                var message = NoPoolMessage(m);
                alarms?.Hold($"{NoPoolAlarm}.{m.Name}", message);
                if (_warned.Add(m.Name))
                {
                    Log.MiningWithoutPool(logger, m.Name);
                }

                continue;
            }

            if (m.ValueSeries is not { } path)
            {
                continue;
            }

            var key = $"{SeriesAlarm}.{m.Name}";
            try
            {
                var series = Load(path);
                var perSlot = series.ValuesAt(curve.Start, curve.SlotLength, curve.Prices.Count);

                foreach (var pool in pools)
                {
                    var factor = series.PerMwhFactor(site.Currency, m, pool, m.ValueFx, $"valueFx on workload {m.Name}");
                    values[(m.Name, pool.Name)] = Array.ConvertAll(perSlot, v => v * factor);
                }

                var age = time.GetUtcNow() - series.Last;
                if (age > StaleAfter)
                {
                    alarms?.Hold(key, string.Create(CultureInfo.InvariantCulture,
                        $"the value series of mining workload {m.Name} ({path}) ends {series.Last:yyyy-MM-ddTHH:mmZ}, {age.TotalDays:0.#} days ago: its last value is held"));
                }
                else
                {
                    alarms?.Clear(key);
                }
            }
            catch (MiningValueException e)
            {
                alarms?.Hold(key, $"the value series of mining workload {m.Name} cannot be used, so it is planned at its constant value: {e.Message}");
                Log.MiningValueSeriesRefused(logger, m.Name, e.Message);
            }
        }

        return values.Count == 0 ? null : values;
    }

    /// <summary>What check-config and the alarm say about a SHA-256d workload without a pool.</summary>
    public static string NoPoolMessage(MiningWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return $"mining workload {workload.Name} hashes SHA-256d without a pool: shares are verified and counted, not submitted, so it earns nothing "
            + "and is planned at zero; give it pool: stratum+tcp://HOST:PORT, worker and passwordEnv";
    }

    private MiningValueSeries Load(string path)
    {
        DateTime written;
        long length;
        try
        {
            var info = new FileInfo(path);
            (written, length) = info.Exists ? (info.LastWriteTimeUtc, info.Length) : throw new MiningValueException($"{path}: no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MiningValueException($"{path}: cannot read the file: {e.Message}", e);
        }

        if (_cache.TryGetValue(path, out var cached) && cached.Written == written && cached.Length == length)
        {
            return cached.Series;
        }

        var series = MiningValueSeries.Read(path);
        _cache[path] = new Cached(written, length, series);
        Log.MiningValueSeriesRead(logger, path, series.Ticks.Length, series.Column, series.First, series.Last);
        return series;
    }

    private sealed record Cached(DateTime Written, long Length, MiningValueSeries Series);
}
