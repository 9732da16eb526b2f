using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Time;
using Energy.Contracts.Units;
using Energy.Telemetry.Prices;

namespace Energy.Scheduler.Plant;

/// <summary>
/// A day-ahead market for the demo: hourly prices with the shapes of a European market (morning and
/// evening peaks, a solar dip at midday that turns negative on some summer days, dearer winters),
/// deterministic for a given hour. Not market data; the real feeds come from CSV, ENTSO-E or MQTT.
/// </summary>
public sealed class SyntheticMarket(Site site) : IPriceSource
{
    public string Name => "synthetic day-ahead market";

    public ValueTask<PriceCurve> GetPricesAsync(DateTimeOffset start, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var slot = TimeSpan.FromHours(1);
        var first = MarketCalendar.SlotStart(start, slot);
        var prices = new List<EnergyPrice>();
        for (var t = first; t < until; t += slot)
        {
            prices.Add(EnergyPrice.PerMwh(PriceAt(t), site.Currency));
        }

        return ValueTask.FromResult(new PriceCurve(first, slot, prices));
    }

    internal double PriceAt(DateTimeOffset slotStart)
    {
        var local = TimeZoneInfo.ConvertTime(slotStart, site.TimeZone);
        var season = Math.Cos(2 * Math.PI * (local.DayOfYear - 15) / 365.0);   // +1 mid-January, −1 mid-July
        var hour = local.Hour;
        var shape = (22 * Bump(hour, 8, 2)) + (38 * Bump(hour, 19, 2.5)) - (18 * Bump(hour, 3, 3))
            - ((30 + (25 * (1 - season))) * Bump(hour, 13, 2.5));
        var noise = (Hash(slotStart.ToUnixTimeSeconds() / 3600) * 24) - 12;
        return Math.Round(78 + (18 * season) + shape + noise, 2);
    }

    private static double Bump(int hour, double center, double width) =>
        Math.Exp(-Math.Pow((hour - center) / width, 2));

    /// <summary>A deterministic value in [0, 1) per hour (SplitMix64).</summary>
    public static double Hash(long x)
    {
        unchecked
        {
            var z = (ulong)x + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }
}
