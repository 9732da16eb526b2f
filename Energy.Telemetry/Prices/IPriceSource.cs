using Energy.Contracts.Prices;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Where day-ahead prices come from: a synthetic market in the demo, CSV files, ENTSO-E documents or
/// an MQTT topic in production. Returns what is known for the span, which may end before <paramref name="until"/>.
/// </summary>
public interface IPriceSource
{
    string Name { get; }

    ValueTask<PriceCurve> GetPricesAsync(DateTimeOffset start, DateTimeOffset until, CancellationToken cancellationToken);
}
