using System.Globalization;
using Energy.Contracts.Units;

namespace Energy.Telemetry.Prices;

/// <summary>One known day-ahead price: the slot's start (UTC, the interval start as markets publish it) and its price.</summary>
public readonly record struct PriceSlot(DateTimeOffset Start, EnergyPrice Price)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Start.UtcDateTime:yyyy-MM-dd'T'HH:mm'Z'} {Price}");
}
