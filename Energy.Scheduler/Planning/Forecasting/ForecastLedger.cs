using Energy.Contracts.Prices;
using Energy.Contracts.Time;
using Energy.Contracts.Units;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// Remembers, per 15-minute slot, the forecast of the plan in force when the slot started (heat demand
/// per loop, tenant demand per workload) and compares it with the slot's observed mean in the
/// <see cref="DemandHistory"/> once the slot has ended: the forecast errors of <c>/api/plan</c>. A plan
/// made after a slot started does not change that slot's entry. In memory: a restart starts afresh.
/// </summary>
public sealed class ForecastLedger(DemandHistory history)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private static readonly TimeSpan Slot = DemandHistory.SlotLength;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Signal, DateTimeOffset Start), double> _forecasts = [];

    /// <summary>Records the forecasts of a plan made at <paramref name="madeAt"/> over the slots of <paramref name="prices"/>.</summary>
    public void Record(
        DateTimeOffset madeAt,
        PriceCurve prices,
        IReadOnlyDictionary<string, IReadOnlyList<Power>> heat,
        IReadOnlyDictionary<string, IReadOnlyList<int>>? tenants)
    {
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(heat);
        lock (_gate)
        {
            foreach (var (loop, kw) in heat)
            {
                RecordSeries(SignalNames.HeatDemandKw(loop), madeAt, prices, i => i < kw.Count ? kw[i].Kilowatts : null);
            }

            foreach (var (workload, gpus) in tenants ?? new Dictionary<string, IReadOnlyList<int>>())
            {
                RecordSeries(SignalNames.TenantDemandGpus(workload), madeAt, prices, i => i < gpus.Count ? gpus[i] : null);
            }

            foreach (var old in _forecasts.Keys.Where(k => k.Start < madeAt - Window - Slot).ToList())
            {
                _forecasts.Remove(old);
            }
        }
    }

    /// <summary>The slots of one signal that ended within the last 24 h before <paramref name="now"/> and are known, oldest first.</summary>
    public IReadOnlyList<ForecastPoint> Compare(string signal, DateTimeOffset now)
    {
        List<(DateTimeOffset Start, double Forecast)> due;
        lock (_gate)
        {
            due = _forecasts.Where(f => f.Key.Signal == signal && f.Key.Start + Slot <= now && f.Key.Start >= now - Window)
                .Select(f => (f.Key.Start, f.Value)).OrderBy(f => f.Start).ToList();
        }

        var points = new List<ForecastPoint>(due.Count);
        foreach (var (start, forecast) in due)
        {
            if (history.Mean(signal, start) is { } actual)
            {
                points.Add(new ForecastPoint(start, forecast, actual));
            }
        }

        return points;
    }

    private void RecordSeries(string signal, DateTimeOffset madeAt, PriceCurve prices, Func<int, double?> value)
    {
        for (var start = MarketCalendar.SlotStart(prices.Start, Slot); start < prices.End; start += Slot)
        {
            // A slot already under way keeps the forecast of the plan that was in force when it started.
            if (start < madeAt || start < prices.Start)
            {
                continue;
            }

            if (value((int)((start - prices.Start) / prices.SlotLength)) is { } v)
            {
                _forecasts[(signal, start)] = v;
            }
        }
    }
}
