using System.Globalization;

namespace Energy.Telemetry.Prices;

/// <summary>
/// A run of missing slots between two known ones: <see cref="Count"/> slots from <see cref="Start"/>
/// (inclusive) to <see cref="End"/> (exclusive), UTC. Gaps are reported, never filled.
/// </summary>
public readonly record struct PriceGap(DateTimeOffset Start, DateTimeOffset End, int Count)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Start.UtcDateTime:yyyy-MM-dd'T'HH:mm'Z'}..{End.UtcDateTime:yyyy-MM-dd'T'HH:mm'Z'} ({Count} slots)");
}
