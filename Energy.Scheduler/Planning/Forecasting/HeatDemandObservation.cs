using System.Globalization;
using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// The heat demand of a loop as it really was, not what HeatGrid managed to deliver: demand =
/// delivered + boiler + shortfall (the <see cref="Contracts.Heat.HeatFlows"/> balance). Where the
/// site maps <c>{loop}.heatDemandKw</c> itself (a network's own total-load meter), that measurement is
/// the demand and nothing is derived. A component the site never reports counts 0 and is named in the
/// reason; a Bad or stale one makes the demand Bad; an Uncertain one makes it Uncertain. Pure.
/// </summary>
/// <param name="Kw">The demand; NaN when Bad.</param>
/// <param name="At">The oldest input it was made from.</param>
/// <param name="Derived">Made from delivered + boiler + shortfall (false: the site's own demand meter).</param>
public sealed record HeatDemandObservation(string Loop, double Kw, Quality Quality, string? Reason, DateTimeOffset At, bool Derived)
{
    public const string DerivedSource = "derived:delivered+boiler+shortfall";

    /// <summary>How old an input may be where its source sets no limit itself.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(5);

    public bool IsGood => Quality == Quality.Good;

    /// <summary>The one formula: what the consumer wanted is what it got from HeatGrid, from the boiler, and what nobody gave it.</summary>
    public static double DemandKw(double deliveredKw, double boilerKw, double shortfallKw) =>
        Math.Max(0, deliveredKw + boilerKw + shortfallKw);

    /// <summary>Whether the site measures the loop's demand itself: a device point or an MQTT signal maps <c>{loop}.heatDemandKw</c>.</summary>
    public static bool IsMeasured(Site site, string loop)
    {
        ArgumentNullException.ThrowIfNull(site);
        return site.Maps(SignalNames.HeatDemandKw(loop));
    }

    /// <summary>
    /// The loop's demand from the readings as they stand at <paramref name="now"/> (<paramref name="current"/>
    /// gives a signal's latest reading, Bad once stale, or null when never seen); null when nothing is known.
    /// </summary>
    public static HeatDemandObservation? Observe(Site site, HeatLoop loop, Func<string, Reading?> current, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(current);
        TimeSpan MaxAge(string signal) => SignalFreshness.MaxAge(site, signal, DefaultMaxAge);
        if (IsMeasured(site, loop.Name))
        {
            var name = SignalNames.HeatDemandKw(loop.Name);
            return current(name) is { } reading ? FromMeter(loop.Name, reading, now, MaxAge(name)) : null;
        }

        return Derive(loop.Name, current(SignalNames.HeatDeliveredKw(loop.Name)), current(SignalNames.BoilerKw(loop.Name)),
            current(SignalNames.HeatShortfallKw(loop.Name)), now, MaxAge);
    }

    /// <summary>Demand = delivered + boiler + shortfall from three readings (null: never reported); null when none was ever reported.</summary>
    public static HeatDemandObservation? Derive(string loop, Reading? delivered, Reading? boiler, Reading? shortfall, DateTimeOffset now, Func<string, TimeSpan> maxAge)
    {
        ArgumentNullException.ThrowIfNull(maxAge);
        if (delivered is null && boiler is null && shortfall is null)
        {
            return null;
        }

        var quality = Quality.Good;
        var reasons = new List<string>();
        var oldest = DateTimeOffset.MaxValue;
        var kw = new double[3];
        var parts = new[] { (SignalNames.HeatDeliveredKw(loop), delivered), (SignalNames.BoilerKw(loop), boiler), (SignalNames.HeatShortfallKw(loop), shortfall) };
        for (var i = 0; i < parts.Length; i++)
        {
            var (name, reading) = parts[i];
            if (reading is null)
            {
                reasons.Add($"{name} never reported: counted as 0");
                continue;
            }

            oldest = reading.Timestamp < oldest ? reading.Timestamp : oldest;
            var (q, why) = Judge(name, reading, now, maxAge(name));
            quality = q > quality ? q : quality;
            if (why is not null)
            {
                reasons.Add(why);
            }

            kw[i] = q == Quality.Bad ? 0 : reading.Value;
        }

        var demand = quality == Quality.Bad ? double.NaN : DemandKw(kw[0], kw[1], kw[2]);
        return new HeatDemandObservation(loop, demand, quality, reasons.Count == 0 ? null : string.Join("; ", reasons), oldest, Derived: true);
    }

    /// <summary>The reading that shows the derived demand in the signal registry, as derived at <paramref name="now"/> (its inputs' ages are judged above).</summary>
    public Reading ToReading(DateTimeOffset now) => new(SignalNames.HeatDemandKw(Loop), Kw, Unit.Kilowatt, Quality, Reason, now, DerivedSource);

    private static HeatDemandObservation FromMeter(string loop, Reading reading, DateTimeOffset now, TimeSpan maxAge)
    {
        var (quality, why) = Judge(reading.Signal, reading, now, maxAge);
        return new HeatDemandObservation(loop, quality == Quality.Bad ? double.NaN : Math.Max(0, reading.Value), quality, why, reading.Timestamp, Derived: false);
    }

    private static (Quality Quality, string? Reason) Judge(string name, Reading reading, DateTimeOffset now, TimeSpan maxAge)
    {
        var age = now - reading.Timestamp;
        return reading.Quality switch
        {
            Quality.Bad => (Quality.Bad, $"{name}: {reading.Reason ?? "bad"}"),
            _ when age > maxAge => (Quality.Bad, string.Create(CultureInfo.InvariantCulture,
                $"{name}: stale: last value {age.TotalSeconds:0} s ago, limit {maxAge.TotalSeconds:0} s")),
            Quality.Uncertain => (Quality.Uncertain, $"{name} uncertain: {reading.Reason ?? "no reason given"}"),
            _ => (Quality.Good, null),
        };
    }
}
