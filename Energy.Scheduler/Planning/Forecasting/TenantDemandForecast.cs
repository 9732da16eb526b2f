using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// GPUs each tenant wants per slot ahead. The contract's hourly profile (<see cref="InferenceWorkload.DemandAt"/>),
/// unless the tenant's own report (<c>tenant.&lt;workload&gt;.demandGpus</c>) is Good and fresh: then the slot
/// under way takes the reported value, and later slots keep its deviation from the profile, decaying
/// exponentially back to the profile with a time constant of one hour. Always within [SLA, contract maximum],
/// in whole GPUs. Pure.
/// </summary>
public static class TenantDemandForecast
{
    /// <summary>How old a report may be where the site file sets no <c>maxAge</c>.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan DecayTime = TimeSpan.FromHours(1);

    /// <summary>One workload's demand per slot of <paramref name="slots"/>; <paramref name="reportedGpus"/> is the tenant's live value, null when none is good.</summary>
    public static int[] Forecast(InferenceWorkload workload, PriceCurve slots, TimeZoneInfo zone, DateTimeOffset now, double? reportedGpus)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(slots);
        var result = new int[slots.Prices.Count];
        var live = reportedGpus is { } v && double.IsFinite(v) ? v : (double?)null;
        var deviation = live - workload.DemandAt(now, zone);
        for (var i = 0; i < result.Length; i++)
        {
            var start = slots.SlotStart(i);
            double gpus = workload.DemandAt(start, zone);
            if (live is { } reported && deviation is { } d)
            {
                gpus = start <= now ? reported : gpus + (d * Math.Exp(-(start - now) / DecayTime));
            }

            result[i] = (int)Math.Round(Math.Clamp(gpus, workload.SlaMinGpus, workload.MaxGpus), MidpointRounding.AwayFromZero);
        }

        return result;
    }

    /// <summary>
    /// Every inference workload of the site; <paramref name="goodValue"/> gives a signal's value when Good and no
    /// older than the age given (the signal's <c>maxAge</c>, or 10 minutes), else null.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<int>> ForSite(Site site, PriceCurve slots, DateTimeOffset now, Func<string, TimeSpan, double?> goodValue)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(goodValue);
        var result = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        foreach (var w in site.Workloads.OfType<InferenceWorkload>())
        {
            var signal = SignalNames.TenantDemandGpus(w.Name);
            result[w.Name] = Forecast(w, slots, site.TimeZone, now, goodValue(signal, SignalFreshness.MaxAge(site, signal, DefaultMaxAge)));
        }

        return result;
    }
}
