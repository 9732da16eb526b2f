using Energy.Contracts.Time;

namespace Energy.Scheduler.Books;

/// <summary>
/// Makes a statement from the energy ledger. Lines are local hours in the site's time zone, counted in UTC so
/// that no hour is lost or doubled: a spring DST day has 23 hourly lines, an autumn one 25, the repeated hour
/// told apart by its offset. Each ledger slot counts in the local hour it starts in (a 15-minute slot in its
/// hour, an hourly one in its own). Days are sums of their hours, months of their days, the total of its months.
/// </summary>
public static class StatementBuilder
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <exception cref="StatementInputException">An empty ledger or an unknown time zone.</exception>
    /// <exception cref="StatementPartyException">A tenant or heat buyer the window does not know.</exception>
    public static Statement Build(ILedgerReader ledger, StatementRequest request)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(request);
        var info = ledger.Info ?? throw new StatementInputException("the ledger holds no slots yet: HeatGrid writes one when each market slot ends");
        var zone = Zone(info.TimeZoneId);
        var windowStart = MarketCalendar.StartOfLocalDay(request.From, zone);
        var windowEnd = MarketCalendar.StartOfLocalDay(request.To.AddDays(1), zone);
        var slots = ledger.Read(windowStart, windowEnd);
        var pouw = request.Party.Kind == StatementKind.Tenant
            ? ledger.ReadPouw(windowStart, windowEnd).Where(e => e.IsAccepted && string.Equals(e.Tenant, request.Party.Name, StringComparison.Ordinal)).ToList()
            : [];
        var members = Members(request, slots, pouw.Count > 0);

        var empty = StatementFigures.For(request.Party);
        var hourly = new List<StatementLine>();
        var daily = new List<StatementLine>();
        for (var day = request.From; day <= request.To; day = day.AddDays(1))
        {
            var dayStart = MarketCalendar.StartOfLocalDay(day, zone);
            var dayEnd = MarketCalendar.StartOfLocalDay(day.AddDays(1), zone);
            daily.Add(Line(StatementLevel.Day, dayStart, dayEnd, zone, empty));

            // The last hour is cut at midnight in the few zones whose DST change is not a whole hour.
            for (var hour = dayStart; hour < dayEnd; hour += Hour)
            {
                hourly.Add(Line(StatementLevel.Hour, hour, hour + Hour < dayEnd ? hour + Hour : dayEnd, zone, empty));
            }
        }

        var hourStarts = hourly.Select(h => h.Start.UtcTicks).ToArray();
        foreach (var slot in slots.Where(s => s.Start >= windowStart && s.Start < windowEnd))
        {
            var at = Array.BinarySearch(hourStarts, slot.Start.UtcTicks);
            hourly[at >= 0 ? at : ~at - 1].AddSlot(slot);
        }

        // A ticket counts in the local hour it was accepted in.
        foreach (var entry in pouw.Where(e => e.At >= windowStart && e.At < windowEnd))
        {
            var at = Array.BinarySearch(hourStarts, entry.At.UtcTicks);
            hourly[at >= 0 ? at : ~at - 1].AddPouw(entry);
        }

        var dayAt = 0;
        foreach (var hour in hourly)
        {
            while (hour.Start >= daily[dayAt].End)
            {
                dayAt++;
            }

            daily[dayAt].Add(hour);
        }

        var monthly = new List<StatementLine>();
        foreach (var month in daily.GroupBy(d => (d.Start.Year, d.Start.Month)))
        {
            var line = Line(StatementLevel.Month, month.First().Start, month.Last().End, zone, empty);
            foreach (var day in month)
            {
                line.Add(day);
            }

            monthly.Add(line);
        }

        var total = Line(StatementLevel.Total, windowStart, windowEnd, zone, empty);
        foreach (var month in monthly)
        {
            total.Add(month);
        }

        var latest = slots.Count == 0 ? (DateTimeOffset?)null : TimeZoneInfo.ConvertTime(slots.Max(s => s.End), zone);
        return new Statement(info, request.Party, request.From, request.To, members, latest, hourly, daily, monthly, total);
    }

    private static StatementLine Line(StatementLevel level, DateTimeOffset start, DateTimeOffset end, TimeZoneInfo zone, StatementFigures empty) =>
        new(level, TimeZoneInfo.ConvertTime(start, zone), TimeZoneInfo.ConvertTime(end, zone), empty.Empty());

    private static TimeZoneInfo Zone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new StatementInputException($"the ledger's time zone '{id}' is not known on this host (install tzdata)", e);
        }
    }

    /// <summary>
    /// The tenant's workloads or the buyer's loops in the window; an unknown name is refused with the names the window knows
    /// (a tenant with accepted proof-of-useful-work tickets in the window is known, with or without workloads).
    /// </summary>
    private static List<string> Members(StatementRequest request, IReadOnlyList<LedgerSlot> slots, bool hasPouw)
    {
        var party = request.Party;
        var (word, pairs) = party.Kind switch
        {
            StatementKind.Tenant => ("tenant", slots.SelectMany(s => s.Workloads).Where(w => w.Tenant is not null).Select(w => (Party: w.Tenant!, Member: w.Name))),
            StatementKind.HeatBuyer => ("heat buyer", slots.SelectMany(s => s.HeatLoops).Select(l => (Party: l.Buyer, Member: l.Loop))),
            _ => (null, []),
        };
        if (word is null)
        {
            return [];
        }

        var known = pairs.Distinct().ToList();
        var members = known.Where(k => string.Equals(k.Party, party.Name, StringComparison.Ordinal)).Select(k => k.Member).Order(StringComparer.Ordinal).ToList();
        if (members.Count > 0 || hasPouw)
        {
            return members;
        }

        var names = known.Select(k => k.Party).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        throw new StatementPartyException(
            $"no {word} '{party.Name}' in the ledger from {StatementRequest.Iso(request.From)} to {StatementRequest.Iso(request.To)}; "
            + (names.Count == 0 ? $"that window knows no {word}s" : $"{word}s in that window: {string.Join(", ", names)}"));
    }
}
