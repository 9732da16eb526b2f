using Energy.Contracts.Sites;

namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>How old a reading of a signal may be and still count: the site file's <c>maxAge</c> where MQTT carries it, else a default.</summary>
public static class SignalFreshness
{
    public static TimeSpan MaxAge(Site site, string signal, TimeSpan fallback)
    {
        ArgumentNullException.ThrowIfNull(site);
        return site.TopicSignals.FirstOrDefault(t => t.Signal == signal)?.MaxAge ?? fallback;
    }
}
