using System.Diagnostics;
using Energy.Contracts.Sites;
using Energy.Contracts.Time;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning.Forecasting;
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
/// With a <see cref="IPlanningConditionsSource"/> it also re-plans soon after the conditions change (a
/// curtailment starts or ends, an agent goes or comes back, a heat loop overheats or cools down), at most
/// once per <see cref="ConditionsReplanGap"/>. Heat demand comes from <see cref="HeatDemandForecast"/>
/// (the history of what demand really was), tenant demand from <see cref="TenantDemandForecast"/>; with a
/// <see cref="ForecastLedger"/> each plan's forecasts are kept to be judged once their slots have passed.
/// </summary>
public sealed class PlanningService(
    Site site,
    IPlanner planner,
    IPriceSource prices,
    HeatDemandForecast forecast,
    SignalRegistry signals,
    CurrentPlan current,
    TimeProvider time,
    ILogger<PlanningService> logger,
    IPlanningConditionsSource? conditions = null,
    ForecastLedger? ledger = null,
    PlanningOptions? options = null,
    Energy.Telemetry.Health.Alarms? alarms = null,
    PlanSolveTimes? solveTimes = null,
    Policy.PolicyState? policy = null) : BackgroundService
{
    private readonly TimeSpan _horizon = options?.Horizon ?? Horizon;
    private readonly TimeSpan _conditionsPoll = options?.ConditionsPoll ?? ConditionsPoll;
    private readonly TimeSpan _replanGap = options?.ConditionsReplanGap ?? ConditionsReplanGap;

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Horizon = TimeSpan.FromHours(24);

    /// <summary>How often the conditions are looked at.</summary>
    public static readonly TimeSpan ConditionsPoll = TimeSpan.FromSeconds(2);

    /// <summary>The least time between two re-plans for changed conditions (an agent that flaps re-plans at most this often).</summary>
    public static readonly TimeSpan ConditionsReplanGap = TimeSpan.FromSeconds(10);

    /// <summary>The alarm held while no prices cover now.</summary>
    public const string NoPricesAlarm = "prices.none";

    private readonly SemaphoreSlim _planning = new(1, 1);
    private PlanningConditions? _planned;
    private DateTimeOffset _plannedAt = DateTimeOffset.MinValue;
    private readonly Dictionary<string, HeatForecastBasis> _heatBasis = new(StringComparer.Ordinal);
    private readonly MiningValueSource _miningValues = new(site, time, logger, alarms);

    /// <summary>Makes one plan now. Used at every boundary, and directly by tests.</summary>
    public async Task PlanOnceAsync(CancellationToken cancellationToken)
    {
        await _planning.WaitAsync(cancellationToken);
        try
        {
            await PlanAsync(cancellationToken);
        }
        finally
        {
            _planning.Release();
        }
    }

    private async Task PlanAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = conditions?.Current(now) ?? PlanningConditions.None;
        var curve = await prices.GetPricesAsync(now, now + _horizon, cancellationToken);
        if (curve.Prices.Count == 0)
        {
            // No demo market on a real site: without prices nothing is planned, and the operator is told why.
            alarms?.Hold(NoPricesAlarm, $"no day-ahead prices from {prices.Name} for now: nothing is planned and the GPUs stay in the safe state; "
                + $"give --prices FILE or publish a price file on heatgrid/{site.Name}/prices/day-ahead");
        }
        else
        {
            alarms?.Clear(NoPricesAlarm);
        }
        var heat = forecast.Forecast(site, curve, now);
        LogHeatForecast(heat);
        var demand = heat.Demand;
        var tenants = TenantDemandForecast.ForSite(site, curve, now, (signal, maxAge) => signals.GoodValue(signal, now, maxAge));

        var stored = site.HeatLoops.ToDictionary(
            l => l.Name,
            l => signals.GoodValue(SignalNames.TankStoredKwh(l.Name), now, HeatDemandForecast.MaxReadingAge) is { } kwh
                ? EnergyAmount.FromKilowattHours(kwh)
                : l.Storage?.Initial ?? EnergyAmount.Zero,
            StringComparer.Ordinal);

        var inForce = policy?.InForce;                                                  // the operator policy in force now (the site file's without run-time versions)
        var planned = inForce?.Site ?? site;
        var solving = Stopwatch.GetTimestamp();                                          // the solve's real wall time, whatever clock the service runs on
        var plan = planner.CreatePlan(new PlanningInput(state.ApplyTo(planned), now, curve, demand, stored, state) { TenantDemand = tenants, MiningValue = _miningValues.For(curve) });
        solveTimes?.Record(Stopwatch.GetElapsedTime(solving), plan.Planner);
        plan = state.Explain(plan, planned);
        current.Replace(plan, inForce?.Version.Version);
        ledger?.Record(now, curve, demand, tenants);
        _planned = state;
        _plannedAt = now;
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

    /// <summary>Half the design peak is warned about at every plan; any other change of what a loop's forecast rests on once.</summary>
    private void LogHeatForecast(HeatDemandOutlook heat)
    {
        if (heat.DesignPeakLoops.Count > 0)
        {
            Log.HeatForecastFallback(logger, string.Join(", ", heat.DesignPeakLoops));
        }

        foreach (var (loop, basis) in heat.Basis)
        {
            if (!_heatBasis.TryGetValue(loop, out var before) || before != basis)
            {
                _heatBasis[loop] = basis;
                Log.HeatForecastBasis(logger, loop, heat.TemperatureCorrected.Contains(loop) ? $"{basis}, corrected by the outdoor temperature" : basis.ToString());
            }
        }
    }

    /// <summary>The first plan is made before the control loop starts, so that it starts on a plan.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await PlanGuardedAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(PlanAtBoundariesAsync(stoppingToken), WatchConditionsAsync(stoppingToken));

    private async Task PlanAtBoundariesAsync(CancellationToken stoppingToken)
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

    private async Task WatchConditionsAsync(CancellationToken stoppingToken)
    {
        if (conditions is null)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(_conditionsPoll, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!stoppingToken.IsCancellationRequested)
            {
                await ReplanIfConditionsChangedAsync(stoppingToken);
            }
        }
    }

    /// <summary>Re-plans when the conditions differ from those of the plan in force (and the last re-plan is long enough ago).</summary>
    /// <returns>Whether it re-planned.</returns>
    public async Task<bool> ReplanIfConditionsChangedAsync(CancellationToken stoppingToken)
    {
        if (conditions is null || _planned is null)
        {
            return false;
        }

        var now = time.GetUtcNow();
        PlanningConditions state;
        try
        {
            state = conditions.Current(now);
        }
        catch (Exception e)
        {
            // Watch boundary: the boundary re-plan still comes; the failure is reported, not thrown.
            Log.PlanningFailed(logger, e);
            return false;
        }

        if (state.SameAs(_planned, site.Grid) || now - _plannedAt < _replanGap)
        {
            return false;
        }

        Log.ReplanForConditions(logger, Describe(state));
        _plannedAt = now;   // a failing re-plan is retried after the gap, not at every poll
        await PlanGuardedAsync(stoppingToken);
        return true;
    }

    private static string Describe(PlanningConditions state) =>
        state.IsNone
            ? "back to the site file's cap and pools"
            : string.Join("; ", state.CapWindows.Select(w => $"cap {w.Cap} until {w.Until:o} ({w.Why})")
                .Concat(state.Unavailable.Select(u => $"{u.Count} GPUs of pool {u.Pool} planned around ({u.Why})"))
                .Concat(state.BaseLoad is { } b ? [$"base load {b} ({state.BaseLoadWhy})"] : []));

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
