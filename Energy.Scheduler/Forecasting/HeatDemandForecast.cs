using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Forecasting;

/// <summary>
/// Heat demand ahead: persistence of the latest good measured demand for every slot (the honest
/// baseline forecast; the forecasting issue replaces it with one learned from history and weather).
/// Without a good reading it falls back to half the consumer's design peak and says so.
/// </summary>
public sealed class HeatDemandForecast(SignalRegistry signals)
{
    public static readonly TimeSpan MaxReadingAge = TimeSpan.FromMinutes(5);

    public IReadOnlyDictionary<string, IReadOnlyList<Power>> Forecast(Site site, PriceCurve slots, DateTimeOffset now, out IReadOnlyList<string> fallbacks)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(slots);
        var result = new Dictionary<string, IReadOnlyList<Power>>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var loop in site.HeatLoops)
        {
            var measured = signals.GoodValue(SignalNames.HeatDemandKw(loop.Name), now, MaxReadingAge);
            if (measured is null)
            {
                missing.Add(loop.Name);
            }

            var demand = measured is { } kw ? Power.FromKilowatts(kw) : loop.Consumer.PeakDemand * 0.5;
            result[loop.Name] = Enumerable.Repeat(demand, slots.Prices.Count).ToList();
        }

        fallbacks = missing;
        return result;
    }
}
