using Energy.Contracts.Units;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Collects slot prices into a <see cref="PriceHistory"/>. Slots may arrive in any order; a slot
/// given twice keeps its first price and <see cref="Add"/> says why the second was refused, so the
/// reader can report it with its line. Files in order (the usual case) never touch the index.
/// </summary>
public sealed class PriceHistoryBuilder
{
    private readonly List<PriceSlot> _slots = [];
    private readonly long _step;
    private Dictionary<long, int>? _index;     // built on the first slot that is not after the last one
    private long _lastTicks = long.MinValue;
    private bool _sorted = true;

    public PriceHistoryBuilder(Currency currency, TimeSpan slotLength)
    {
        CheckSlotLength(slotLength);
        Currency = currency;
        SlotLength = slotLength;
        _step = slotLength.Ticks;
    }

    public Currency Currency { get; }

    public TimeSpan SlotLength { get; }

    public int Count => _slots.Count;

    /// <summary>Adds one slot. Returns null when added, or why it was refused (not finite, not a slot start, duplicate, conflict).</summary>
    public string? Add(DateTimeOffset start, double pricePerMegawattHour) => Add(start, pricePerMegawattHour, null);

    /// <inheritdoc cref="Add(DateTimeOffset, double)"/>
    /// <param name="published">When the price was published, where known.</param>
    public string? Add(DateTimeOffset start, double pricePerMegawattHour, DateTimeOffset? published)
    {
        if (!double.IsFinite(pricePerMegawattHour))
        {
            return $"the price {PriceText.Price(pricePerMegawattHour)} is not a finite number";
        }

        var ticks = start.UtcTicks;
        if (ticks % _step != 0)
        {
            return $"{PriceText.Instant(start)} is not the start of a {PriceText.Minutes(SlotLength)}-minute slot";
        }

        if (ticks <= _lastTicks)
        {
            _index ??= BuildIndex();
            if (_index.TryGetValue(ticks, out var at))
            {
                var held = _slots[at].Price.PerMegawattHour;
                return held.Equals(pricePerMegawattHour)
                    ? $"duplicate slot {PriceText.Instant(start)} (same price {PriceText.Price(held)}); the first stays"
                    : $"conflicting prices for slot {PriceText.Instant(start)}: {PriceText.Price(held)} and {PriceText.Price(pricePerMegawattHour)}; the first stays";
            }

            _sorted = false;
        }
        else
        {
            _lastTicks = ticks;
        }

        _index?.Add(ticks, _slots.Count);
        _slots.Add(new PriceSlot(start.ToUniversalTime(), EnergyPrice.PerMwh(pricePerMegawattHour, Currency)) { Published = published?.ToUniversalTime() });
        return null;
    }

    public PriceHistory Build()
    {
        var slots = _slots.ToArray();
        if (!_sorted)
        {
            Array.Sort(slots, (a, b) => a.Start.UtcTicks.CompareTo(b.Start.UtcTicks));
        }

        return new PriceHistory(Currency, SlotLength, slots);
    }

    /// <summary>Market time units divide an hour: 15, 30 or 60 minutes (ENTSO-E resolutions PT15M, PT30M, PT60M).</summary>
    internal static void CheckSlotLength(TimeSpan slotLength)
    {
        if (slotLength < TimeSpan.FromMinutes(1) || TimeSpan.FromHours(1).Ticks % slotLength.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slotLength), slotLength, "A market slot divides an hour (15, 30 or 60 minutes).");
        }
    }

    private Dictionary<long, int> BuildIndex()
    {
        var index = new Dictionary<long, int>(_slots.Count * 2);
        for (var i = 0; i < _slots.Count; i++)
        {
            index[_slots[i].Start.UtcTicks] = i;
        }

        return index;
    }
}
