using Energy.Contracts.Units;

namespace Energy.Contracts.Prices;

/// <summary>
/// Day-ahead prices for consecutive slots of equal length, starting at <see cref="Start"/> (UTC).
/// The slot length comes with the data: 60 or 15 minutes.
/// </summary>
public sealed record PriceCurve(DateTimeOffset Start, TimeSpan SlotLength, IReadOnlyList<EnergyPrice> Prices)
{
    public DateTimeOffset End => Start + (SlotLength * Prices.Count);

    public DateTimeOffset SlotStart(int index) => Start + (SlotLength * index);

    /// <summary>The price of the slot covering an instant, or null outside the curve.</summary>
    public EnergyPrice? PriceAt(DateTimeOffset instant)
    {
        if (instant < Start || instant >= End)
        {
            return null;
        }

        return Prices[(int)((instant - Start) / SlotLength)];
    }
}
