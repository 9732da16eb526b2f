using Energy.Contracts.Sites;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// Samples the history's signals once a second (Good and fresh values only) and saves the history once
/// per completed slot. The stored history is read back at start, so a restart keeps what was learnt.
/// </summary>
public sealed class DemandHistoryRecorder(
    Site site,
    SignalRegistry signals,
    DemandHistory history,
    DemandHistoryStore store,
    TimeProvider time,
    ILogger<DemandHistoryRecorder> logger) : BackgroundService
{
    public static readonly TimeSpan SamplePeriod = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, TimeSpan> _maxAge = history.Signals.ToDictionary(
        s => s,
        s => SignalFreshness.MaxAge(site, s, s.StartsWith("tenant.", StringComparison.Ordinal) ? TenantDemandForecast.DefaultMaxAge : HeatDemandObservation.DefaultMaxAge),
        StringComparer.Ordinal);

    /// <summary>Takes one sample at <paramref name="now"/>; saves when it closed a slot.</summary>
    public void Tick(DateTimeOffset now)
    {
        if (history.Sample(now, s => signals.GoodValue(s, now, _maxAge[s])) is not null)
        {
            store.Save(history);
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        store.Load(history, time.GetUtcNow());
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SamplePeriod, time);
        while (await timer.TickOrStopAsync(stoppingToken))
        {
            try
            {
                Tick(time.GetUtcNow());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Loop boundary: a failed sample must not stop the host; the next second tries again.
                Log.HeatDemandRecordingFailed(logger, e);
            }
        }
    }
}
