using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using Energy.Contracts.Prices;
using Energy.Contracts.Time;
using Energy.Contracts.Units;

namespace Energy.Telemetry.Prices;

/// <summary>
/// The day-ahead prices known for one market: an immutable set of slots of one currency and one slot
/// length, sorted by start, each slot at most once. Missing slots stay missing: <see cref="Gaps"/>
/// reports them and <see cref="Curve"/> stops at them; nothing is interpolated. Built by
/// <see cref="PriceHistoryBuilder"/> and the readers.
/// </summary>
public sealed class PriceHistory
{
    private readonly long[] _ticks;        // UTC ticks of each slot start, ascending
    private readonly PriceSlot[] _slots;

    internal PriceHistory(Currency currency, TimeSpan slotLength, PriceSlot[] sortedUniqueSlots)
    {
        PriceHistoryBuilder.CheckSlotLength(slotLength);
        Currency = currency;
        SlotLength = slotLength;
        _slots = sortedUniqueSlots;
        _ticks = Array.ConvertAll(sortedUniqueSlots, s => s.Start.UtcTicks);
        Slots = new ReadOnlyCollection<PriceSlot>(_slots);
        Gaps = FindGaps();
    }

    public Currency Currency { get; }

    /// <summary>The market time unit: 60 or 15 minutes (30 in a few zones).</summary>
    public TimeSpan SlotLength { get; }

    public IReadOnlyList<PriceSlot> Slots { get; }

    public int Count => _slots.Length;

    public bool IsEmpty => _slots.Length == 0;

    /// <summary>The start of the first known slot; null when empty.</summary>
    public DateTimeOffset? First => IsEmpty ? null : _slots[0].Start;

    /// <summary>The end of the last known slot; null when empty.</summary>
    public DateTimeOffset? End => IsEmpty ? null : _slots[^1].Start + SlotLength;

    /// <summary>Runs of missing slots between <see cref="First"/> and <see cref="End"/>, in order.</summary>
    public IReadOnlyList<PriceGap> Gaps { get; }

    public static PriceHistory Empty(Currency currency, TimeSpan slotLength) => new(currency, slotLength, []);

    /// <summary>The price of the slot covering an instant, or null where no price is known.</summary>
    public EnergyPrice? PriceAt(DateTimeOffset instant)
    {
        var index = Array.BinarySearch(_ticks, MarketCalendar.SlotStart(instant, SlotLength).UtcTicks);
        return index >= 0 ? _slots[index].Price : null;
    }

    /// <summary>The slot covering an instant, with its publication time; null where no price is known.</summary>
    public PriceSlot? SlotAt(DateTimeOffset instant)
    {
        var index = Array.BinarySearch(_ticks, MarketCalendar.SlotStart(instant, SlotLength).UtcTicks);
        return index >= 0 ? _slots[index] : null;
    }

    /// <summary>
    /// The contiguous known prices from the slot containing <paramref name="start"/> up to
    /// <paramref name="until"/>: the curve ends early at the first gap, and is empty when that first
    /// slot is unknown. This is <see cref="IPriceSource"/>'s "what is known, which may end early".
    /// </summary>
    public PriceCurve Curve(DateTimeOffset start, DateTimeOffset until)
    {
        var first = MarketCalendar.SlotStart(start, SlotLength);
        var index = Array.BinarySearch(_ticks, first.UtcTicks);
        if (index < 0 || first >= until)
        {
            return new PriceCurve(first, SlotLength, []);
        }

        var step = SlotLength.Ticks;
        var end = index;
        while (end < _ticks.Length && _ticks[end] < until.UtcTicks && _ticks[end] == first.UtcTicks + ((end - index) * step))
        {
            end++;
        }

        var prices = new EnergyPrice[end - index];
        for (var i = 0; i < prices.Length; i++)
        {
            prices[i] = _slots[index + i].Price;
        }

        return new PriceCurve(first, SlotLength, prices);
    }

    /// <summary>How many slots of a local market day are known (23/25-hour DST days have 92/100 quarter-hours when complete).</summary>
    public int SlotsOfLocalDay(DateOnly day, TimeZoneInfo zone)
    {
        var from = LowerBound(MarketCalendar.StartOfLocalDay(day, zone).UtcTicks);
        var to = LowerBound(MarketCalendar.StartOfLocalDay(day.AddDays(1), zone).UtcTicks);
        return to - from;
    }

    /// <summary>The slots that overlap [<paramref name="from"/>, <paramref name="until"/>): the slot under way at <paramref name="from"/> is in.</summary>
    public PriceHistory Between(DateTimeOffset from, DateTimeOffset until)
    {
        var first = LowerBound(from.UtcTicks - SlotLength.Ticks + 1);
        var last = LowerBound(until.UtcTicks);
        return new PriceHistory(Currency, SlotLength, _slots[first..Math.Max(first, last)]);
    }

    /// <summary>
    /// The same prices in shorter slots: each price holds for every shorter slot inside its own (a
    /// day-ahead price is per MWh over its whole market time unit). Used when a market moves from
    /// hourly to quarter-hourly products, so older and newer prices can merge.
    /// </summary>
    public PriceHistory WithSlotLength(TimeSpan shorter)
    {
        PriceHistoryBuilder.CheckSlotLength(shorter);
        if (shorter > SlotLength || SlotLength.Ticks % shorter.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(shorter), shorter, $"{PriceText.Minutes(SlotLength)}-minute slots split only into slots that divide them.");
        }

        var parts = (int)(SlotLength.Ticks / shorter.Ticks);
        var slots = new PriceSlot[_slots.Length * parts];
        for (var i = 0; i < _slots.Length; i++)
        {
            for (var p = 0; p < parts; p++)
            {
                slots[(i * parts) + p] = new PriceSlot(_slots[i].Start + (shorter * p), _slots[i].Price) { Published = _slots[i].Published };
            }
        }

        return new PriceHistory(Currency, shorter, slots);
    }

    /// <summary>
    /// This history with <paramref name="newer"/> laid over it: for a slot both hold, the newer price
    /// wins (a day-ahead republication corrects prices). Currencies and slot lengths must agree; an
    /// empty history agrees with anything.
    /// </summary>
    /// <exception cref="ArgumentException">The currencies or slot lengths differ.</exception>
    public PriceHistory Merge(PriceHistory newer) =>
        TryMerge(newer, out var merged, out var error) ? merged : throw new ArgumentException(error, nameof(newer));

    /// <inheritdoc cref="Merge"/>
    public bool TryMerge(PriceHistory newer, [NotNullWhen(true)] out PriceHistory? merged, [NotNullWhen(false)] out string? error) =>
        TryMerge(newer, byPublication: false, out merged, out error);

    /// <summary>
    /// This history and <paramref name="other"/> slot by slot, where both hold a slot the price published later
    /// winning (an unknown publication time counts as oldest; on a tie, <paramref name="other"/>'s). So a fresh
    /// file beats the last good prices kept from an earlier import, and a file re-read daily does not undo the
    /// updates that came after it was written.
    /// </summary>
    public bool TryMergeByPublication(PriceHistory other, [NotNullWhen(true)] out PriceHistory? merged, [NotNullWhen(false)] out string? error) =>
        TryMerge(other, byPublication: true, out merged, out error);

    /// <summary>Every slot stamped as published at <paramref name="published"/> where it has no publication time, and at most then where it has a later one.</summary>
    public PriceHistory PublishedAt(DateTimeOffset published)
    {
        var at = published.ToUniversalTime();
        var slots = new PriceSlot[_slots.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            var own = _slots[i].Published;
            slots[i] = _slots[i] with { Published = own is { } o && o < at ? o : at };
        }

        return new PriceHistory(Currency, SlotLength, slots);
    }

    /// <summary>Publication times later than <paramref name="notAfter"/> brought back to it; unknown ones stay unknown.</summary>
    public PriceHistory PublishedNoLaterThan(DateTimeOffset notAfter)
    {
        if (!_slots.Any(s => s.Published > notAfter))
        {
            return this;
        }

        var at = notAfter.ToUniversalTime();
        return new PriceHistory(Currency, SlotLength, Array.ConvertAll(_slots, s => s.Published > at ? s with { Published = at } : s));
    }

    /// <summary>The latest publication time of any slot; null when none is known.</summary>
    public DateTimeOffset? LastPublished => _slots.Length == 0 ? null : _slots.Max(s => s.Published);

    private bool TryMerge(PriceHistory newer, bool byPublication, [NotNullWhen(true)] out PriceHistory? merged, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(newer);
        merged = null;
        error = null;
        if (newer.IsEmpty || IsEmpty)
        {
            merged = IsEmpty ? newer : this;
            return true;
        }

        if (newer.Currency != Currency || newer.SlotLength != SlotLength)
        {
            error = $"Cannot merge {newer.Currency} prices in {PriceText.Minutes(newer.SlotLength)}-minute slots into {Currency} prices in {PriceText.Minutes(SlotLength)}-minute slots.";
            return false;
        }

        var result = new List<PriceSlot>(_slots.Length + newer._slots.Length);
        int i = 0, j = 0;
        while (i < _slots.Length || j < newer._slots.Length)
        {
            if (j == newer._slots.Length || (i < _slots.Length && _ticks[i] < newer._ticks[j]))
            {
                result.Add(_slots[i++]);
            }
            else
            {
                if (i < _slots.Length && _ticks[i] == newer._ticks[j])
                {
                    var held = _slots[i++];
                    var incoming = newer._slots[j++];
                    result.Add(byPublication && (held.Published ?? DateTimeOffset.MinValue) > (incoming.Published ?? DateTimeOffset.MinValue) ? held : incoming);
                    continue;
                }

                result.Add(newer._slots[j++]);
            }
        }

        merged = new PriceHistory(Currency, SlotLength, [.. result]);
        return true;
    }

    /// <summary>
    /// Brings two histories to one slot length where one divides the other, by splitting the longer
    /// slots (<see cref="WithSlotLength"/>): an hourly history and a quarter-hourly one can then merge.
    /// Returns false when nothing needed or could be done.
    /// </summary>
    internal static bool TryAlignSlotLengths(ref PriceHistory held, ref PriceHistory incoming)
    {
        if (held.IsEmpty || incoming.IsEmpty || held.SlotLength == incoming.SlotLength)
        {
            return false;
        }

        var (longer, shorter) = held.SlotLength > incoming.SlotLength ? (held.SlotLength, incoming.SlotLength) : (incoming.SlotLength, held.SlotLength);
        if (longer.Ticks % shorter.Ticks != 0)
        {
            return false;
        }

        held = held.SlotLength == longer ? held.WithSlotLength(shorter) : held;
        incoming = incoming.SlotLength == longer ? incoming.WithSlotLength(shorter) : incoming;
        return true;
    }

    public override string ToString() => IsEmpty
        ? $"no {Currency} prices ({PriceText.Minutes(SlotLength)}-minute slots)"
        : $"{Count} {Currency} prices in {PriceText.Minutes(SlotLength)}-minute slots, {PriceText.Instant(First!.Value)}..{PriceText.Instant(End!.Value)}, {Gaps.Count} gaps";

    /// <summary>The index of the first slot starting at or after <paramref name="ticks"/>.</summary>
    private int LowerBound(long ticks)
    {
        var index = Array.BinarySearch(_ticks, ticks);
        return index >= 0 ? index : ~index;
    }

    private ReadOnlyCollection<PriceGap> FindGaps()
    {
        var gaps = new List<PriceGap>();
        var step = SlotLength.Ticks;
        for (var i = 1; i < _ticks.Length; i++)
        {
            var missing = ((_ticks[i] - _ticks[i - 1]) / step) - 1;
            if (missing > 0)
            {
                gaps.Add(new PriceGap(_slots[i - 1].Start + SlotLength, _slots[i].Start, (int)missing));
            }
        }

        return gaps.AsReadOnly();
    }
}
