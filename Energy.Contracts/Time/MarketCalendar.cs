namespace Energy.Contracts.Time;

/// <summary>
/// Market days are local days in the site's time zone: 23 hours long on the spring DST change,
/// 25 hours on the autumn one. Slots are always counted in UTC so that no local hour is lost or
/// doubled.
/// </summary>
public static class MarketCalendar
{
    /// <summary>The UTC instant at which a local day starts (local midnight, or the first valid local time after it).</summary>
    public static DateTimeOffset StartOfLocalDay(DateOnly day, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

        // Some zones skip midnight itself on the DST change; step forward to the first local time that exists.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The length of a local day: 24 h, or 23 h / 25 h on DST change days.</summary>
    public static TimeSpan LengthOfLocalDay(DateOnly day, TimeZoneInfo zone) =>
        StartOfLocalDay(day.AddDays(1), zone) - StartOfLocalDay(day, zone);

    /// <summary>UTC start instants of every slot of a local market day.</summary>
    public static IReadOnlyList<DateTimeOffset> SlotsOfLocalDay(DateOnly day, TimeZoneInfo zone, TimeSpan slotLength)
    {
        if (slotLength <= TimeSpan.Zero || TimeSpan.FromHours(1).Ticks % slotLength.Ticks != 0 && slotLength != TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(slotLength), slotLength, "A market slot divides an hour (15, 30 or 60 minutes).");
        }

        var start = StartOfLocalDay(day, zone);
        var end = StartOfLocalDay(day.AddDays(1), zone);
        if (slotLength == TimeSpan.FromDays(1))
        {
            // A daily product covers the whole local day, whether it has 23, 24 or 25 hours.
            return [start];
        }

        var slots = new List<DateTimeOffset>((int)((end - start) / slotLength));
        for (var t = start; t < end; t += slotLength)
        {
            slots.Add(t);
        }

        return slots;
    }

    /// <summary>The local market day an instant falls on.</summary>
    public static DateOnly LocalDayOf(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>The start of the slot containing <paramref name="instant"/>, slots aligned to whole UTC hours.</summary>
    public static DateTimeOffset SlotStart(DateTimeOffset instant, TimeSpan slotLength)
    {
        if (slotLength <= TimeSpan.Zero || TimeSpan.FromHours(1).Ticks % slotLength.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slotLength), slotLength, "A market slot divides an hour (15, 30 or 60 minutes).");
        }

        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % slotLength.Ticks), TimeSpan.Zero);
    }
}
