using Energy.Contracts.Sites;
using Energy.Contracts.Time;
using Energy.Contracts.Units;
using Energy.Scheduler.Forecasting;
using Energy.Telemetry.Prices;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Planning;

/// <summary>
/// Makes the plan: gathers prices, forecasts and the tank state, asks the planner, and swaps the plan
/// in. A failure keeps the last plan. The first plan is made at start-up, before the control loop runs;
/// after that the Quartz <see cref="ReplanJob"/> re-plans at every 15-minute boundary of the clock (the
/// control loop never waits for it). Without Quartz (tests) <see cref="ExecuteAsync"/> does the same.
/// </summary>
public sealed class PlanningService(
    Site site,
    IPlanner planner,
    IPriceSource prices,
    HeatDemandForecast forecast,
    SignalRegistry signals,
    CurrentPlan current,
    TimeProvider time,
    ILogger<PlanningService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Horizon = TimeSpan.FromHours(24);

    /// <summary>Makes one plan now. Used at every boundary, and directly by tests.</summary>
    public async Task PlanOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var curve = await prices.GetPricesAsync(now, now + Horizon, cancellationToken);
        var demand = forecast.Forecast(site, curve, now, out var fallbacks);
        if (fallbacks.Count > 0)
        {
            Log.HeatForecastFallback(logger, string.Join(", ", fallbacks));
        }

        var stored = site.HeatLoops.ToDictionary(
            l => l.Name,
            l => signals.GoodValue(SignalNames.TankStoredKwh(l.Name), now, HeatDemandForecast.MaxReadingAge) is { } kwh
                ? EnergyAmount.FromKilowattHours(kwh)
                : l.Storage?.Initial ?? EnergyAmount.Zero,
            StringComparer.Ordinal);

        var plan = planner.CreatePlan(new PlanningInput(site, now, curve, demand, stored));
        current.Replace(plan);
        if (plan.SlotAt(now) is { } slot)
        {
            Log.PlanCreated(logger, plan.Planner, plan.Slots.Count, plan.Slots[0].Start, slot.GridImport.Kilowatts,
                string.Join("; ", slot.Explanations));
            if (slot.Violations.Count > 0)
            {
                Log.PlanViolations(logger, slot.Start, string.Join("; ", slot.Violations));
            }
        }
    }

    /// <summary>The first plan is made before the control loop starts, so that it starts on a plan.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await PlanGuardedAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!ScheduledExternally && !stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = MarketCalendar.SlotStart(now, Interval) + Interval;
            await Task.Delay(next - now, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!stoppingToken.IsCancellationRequested)
            {
                await PlanGuardedAsync(stoppingToken);
            }
        }
    }

    /// <summary>Re-plans on the scheduler's behalf (Quartz) unless the host's own loop does it.</summary>
    public bool ScheduledExternally { get; set; }

    public async Task PlanGuardedAsync(CancellationToken stoppingToken)
    {
        try
        {
            await PlanOnceAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Job boundary: whatever broke (a feed, a forecast), the last plan stays and the next boundary retries.
            Log.PlanningFailed(logger, e);
        }
    }
}
