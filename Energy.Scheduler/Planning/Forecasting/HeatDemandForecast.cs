using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Time;
using Energy.Contracts.Units;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// Heat demand ahead for the live planner: the backtest's <see cref="HeatDemandForecaster"/> (same code) over
/// the <see cref="DemandHistory"/> of 15-minute slot means, averaged onto the price slots. The demand now
/// (<see cref="HeatDemandObservation"/>) is the "latest observed" fallback before the history knows a day.
/// Temperature outlook: the same slot yesterday shifted by today's deviation from yesterday (the anomaly
/// persists), only while <c>grid.outdoorTemperatureC</c> is Good; otherwise no temperature correction.
/// </summary>
public sealed class HeatDemandForecast(SignalRegistry signals, DemandHistory? history = null)
{
    /// <summary>How old the tank's reading may be for the plan to start from it.</summary>
    public static readonly TimeSpan MaxReadingAge = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan Slot = DemandHistory.SlotLength;
    private static readonly int Measured = (int)(DemandHistory.Kept / Slot);
    private static readonly int Day = (int)(TimeSpan.FromDays(1) / Slot);

    public HeatDemandForecaster Forecaster { get; } = new(Day);

    public HeatDemandOutlook Forecast(Site site, PriceCurve slots, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(slots);

        // Index 0 is 15 days before the slot under way, which is index Measured: the slots before it have ended.
        var origin = MarketCalendar.SlotStart(now, Slot) - DemandHistory.Kept;
        var first = (int)Math.Floor((slots.Start - origin) / Slot);
        var end = (int)Math.Ceiling((slots.End - origin) / Slot);
        var length = Math.Max(Measured, end);
        var temperature = TemperatureOutlook(site, origin, length, now);
        var demand = new Dictionary<string, IReadOnlyList<Power>>(StringComparer.Ordinal);
        var basis = new Dictionary<string, HeatForecastBasis>(StringComparer.Ordinal);
        var corrected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var loop in site.HeatLoops)
        {
            var observed = history?.Window(SignalNames.HeatDemandKw(loop.Name), origin, length) ?? Unknown(length);
            var latest = HeatDemandObservation.Observe(site, loop, s => signals.Current(s, now), now) is { IsGood: true } o ? o.Kw : (double?)null;
            var forecast = Forecaster.Forecast(new HeatForecastRequest(observed, Measured, temperature, first, end - first,
                loop.Consumer.PeakDemand.Kilowatts * 0.5, latest));
            demand[loop.Name] = OntoPriceSlots(forecast.Kw, origin + (Slot * first), slots);
            basis[loop.Name] = forecast.Weakest;
            if (forecast.SlopeKwPerK != 0)
            {
                corrected.Add(loop.Name);
            }
        }

        return new HeatDemandOutlook(demand, basis, corrected);
    }

    /// <summary>Observed temperatures, then yesterday's shifted by today's anomaly; null without a Good reading now or yesterday.</summary>
    private double[]? TemperatureOutlook(Site site, DateTimeOffset origin, int length, DateTimeOffset now)
    {
        var maxAge = SignalFreshness.MaxAge(site, SignalNames.OutdoorTemperatureC, HeatDemandObservation.DefaultMaxAge);
        if (history is null || signals.GoodValue(SignalNames.OutdoorTemperatureC, now, maxAge) is not { } current)
        {
            return null;
        }

        var t = history.Window(SignalNames.OutdoorTemperatureC, origin, length);
        var anomaly = current - t[Measured - Day];
        if (double.IsNaN(anomaly))
        {
            return null;
        }

        for (var j = Measured; j < length; j++)
        {
            var source = j - Day;
            while (source >= Measured)
            {
                source -= Day;
            }

            t[j] = t[source] + anomaly;
        }

        return t;
    }

    /// <summary>Each price slot gets the mean of the 15-minute forecasts inside it (or of the one it lies in).</summary>
    private static Power[] OntoPriceSlots(double[] kw, DateTimeOffset from, PriceCurve slots)
    {
        var result = new Power[slots.Prices.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var start = slots.SlotStart(i);
            var a = (int)Math.Floor((start - from) / Slot);
            var b = Math.Max(a + 1, (int)Math.Ceiling((start + slots.SlotLength - from) / Slot));
            double sum = 0;
            var n = 0;
            for (var k = Math.Max(0, a); k < Math.Min(kw.Length, b); k++)
            {
                sum += kw[k];
                n++;
            }

            result[i] = Power.FromKilowatts(n > 0 ? sum / n : 0);
        }

        return result;
    }

    private static double[] Unknown(int length)
    {
        var values = new double[length];
        Array.Fill(values, double.NaN);
        return values;
    }
}
