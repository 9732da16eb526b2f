using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// Publishes each loop's derived heat demand (<see cref="HeatDemandObservation"/>: delivered + boiler +
/// shortfall) as <c>{loop}.heatDemandKw</c> about once a second, so that <c>/api/signals</c>, the status and
/// the history show real demand. Loops whose demand the site measures itself are left to that meter.
/// A change of the derived demand's quality is logged once.
/// </summary>
public sealed class HeatDemandPublisher(Site site, SignalRegistry signals, TimeProvider time, ILogger<HeatDemandPublisher> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <summary>The derived reading turns stale when this publisher stops.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);

    private readonly HeatLoop[] _derived = site.HeatLoops.Where(l => !HeatDemandObservation.IsMeasured(site, l.Name)).ToArray();
    private readonly Dictionary<string, string> _state = new(StringComparer.Ordinal);

    /// <summary>Publishes the derived demand of every loop that needs it, as the readings stand at <paramref name="now"/>.</summary>
    public void PublishOnce(DateTimeOffset now)
    {
        foreach (var loop in _derived)
        {
            if (HeatDemandObservation.Observe(site, loop, s => signals.Current(s, now), now) is not { } observation)
            {
                continue;   // none of the three was ever reported: nothing to say yet
            }

            signals.Publish(observation.ToReading(now), StaleAfter);
            var state = observation.Quality == Quality.Good ? $"good {observation.Reason}" : observation.Quality.ToString();
            if (_state.GetValueOrDefault(loop.Name) != state)
            {
                LogChange(loop.Name, observation, wasKnown: _state.ContainsKey(loop.Name));
                _state[loop.Name] = state;
            }
        }
    }

    private void LogChange(string loop, HeatDemandObservation observation, bool wasKnown)
    {
        if (observation.Quality != Quality.Good)
        {
            Log.DerivedHeatDemandDegraded(logger, loop, observation.Quality.ToString().ToLowerInvariant(), observation.Reason ?? "-");
        }
        else if (observation.Reason is { } counted)
        {
            Log.DerivedHeatDemandPartial(logger, loop, counted);
        }
        else if (wasKnown)
        {
            Log.DerivedHeatDemandGood(logger, loop);
        }
    }

    /// <summary>The first derived demand is in the registry before the first plan is made.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        PublishOnce(time.GetUtcNow());
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_derived.Length == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(Period, time);
        while (await timer.TickOrStopAsync(stoppingToken))
        {
            try
            {
                PublishOnce(time.GetUtcNow());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Loop boundary: a derivation that fails must not stop the host; the next second tries again.
                Log.HeatDemandRecordingFailed(logger, e);
            }
        }
    }
}
