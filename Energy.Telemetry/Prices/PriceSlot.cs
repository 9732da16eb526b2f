using System.Globalization;
using Energy.Contracts.Units;

namespace Energy.Telemetry.Prices;

/// <summary>
/// One known day-ahead price: the slot's start (UTC, the interval start as markets publish it), its price, and when
/// that price was published, where known (<see cref="PriceHistory.MergeByPublication"/>: the later publication wins).
/// </summary>
public readonly record struct PriceSlot(DateTimeOffset Start, EnergyPrice Price)
{
    /// <summary>When this price was published (the import's time, or the file's); null when not known, which counts as oldest.</summary>
    public DateTimeOffset? Published { get; init; }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Start.UtcDateTime:yyyy-MM-dd'T'HH:mm'Z'} {Price}");
}
