using System.Globalization;
using Energy.Contracts.Time;

namespace Energy.Contracts.Tests.Time;

public class MarketCalendarTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
    private static readonly TimeZoneInfo Santiago = TimeZoneInfo.FindSystemTimeZoneById("America/Santiago");

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    private static DateOnly Day(string text) => DateOnly.Parse(text, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("Europe/Berlin", "2024-03-31", 60, 23)]
    [InlineData("Europe/Berlin", "2024-10-27", 60, 25)]
    [InlineData("Europe/Berlin", "2024-07-01", 60, 24)]
    [InlineData("Europe/Berlin", "2024-03-31", 15, 92)]
    [InlineData("Europe/Berlin", "2024-10-27", 15, 100)]
    [InlineData("Europe/Berlin", "2024-07-01", 15, 96)]
    [InlineData("Europe/Berlin", "2024-10-27", 30, 50)]
    [InlineData("America/Chicago", "2024-03-10", 60, 23)]
    [InlineData("America/Chicago", "2024-11-03", 60, 25)]
    [InlineData("America/Chicago", "2024-11-04", 60, 24)]
    [InlineData("UTC", "2024-03-31", 60, 24)]
    public void SlotsOfLocalDay_DstAndOrdinaryDays_HaveOneSlotPerLocalSlot(string zone, string day, int slotMinutes, int expected)
    {
        var slots = MarketCalendar.SlotsOfLocalDay(Day(day), Zone(zone), TimeSpan.FromMinutes(slotMinutes));

        Assert.Equal(expected, slots.Count);
    }

    [Theory]
    [InlineData("Europe/Berlin", "2024-03-31", 15)]
    [InlineData("Europe/Berlin", "2024-10-27", 60)]
    [InlineData("America/Chicago", "2024-11-03", 15)]
    public void SlotsOfLocalDay_AnyDay_AreConsecutiveUtcInstantsCoveringTheDay(string zone, string day, int slotMinutes)
    {
        var date = Day(day);
        var slotLength = TimeSpan.FromMinutes(slotMinutes);

        var slots = MarketCalendar.SlotsOfLocalDay(date, Zone(zone), slotLength);

        Assert.All(slots, s => Assert.Equal(TimeSpan.Zero, s.Offset));
        Assert.Equal(slots.Count, slots.Distinct().Count());
        for (var i = 1; i < slots.Count; i++)
        {
            Assert.Equal(slotLength, slots[i] - slots[i - 1]);
        }

        Assert.Equal(MarketCalendar.StartOfLocalDay(date, Zone(zone)), slots[0]);
        Assert.Equal(MarketCalendar.StartOfLocalDay(date.AddDays(1), Zone(zone)), slots[^1] + slotLength);
    }

    [Fact]
    public void StartOfLocalDay_BerlinSummer_IsTheUtcInstantOfLocalMidnight()
    {
        var start = MarketCalendar.StartOfLocalDay(new DateOnly(2024, 7, 1), Berlin);

        Assert.Equal(new DateTimeOffset(2024, 6, 30, 22, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(TimeSpan.Zero, start.Offset);
    }

    [Fact]
    public void StartOfLocalDay_BerlinWinter_IsOneHourBeforeUtcMidnight()
    {
        Assert.Equal(new DateTimeOffset(2024, 1, 14, 23, 0, 0, TimeSpan.Zero), MarketCalendar.StartOfLocalDay(new DateOnly(2024, 1, 15), Berlin));
    }

    [Fact]
    public void StartOfLocalDay_ZoneThatSkipsMidnight_StartsAtFirstValidLocalTime()
    {
        // Chile moves clocks from 00:00 to 01:00 on 2024-09-08: the day starts at 01:00 −03:00.
        var start = MarketCalendar.StartOfLocalDay(new DateOnly(2024, 9, 8), Santiago);

        Assert.Equal(new DateTimeOffset(2024, 9, 8, 4, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(TimeSpan.FromHours(23), MarketCalendar.LengthOfLocalDay(new DateOnly(2024, 9, 8), Santiago));
    }

    [Theory]
    [InlineData("2024-03-31", 23)]
    [InlineData("2024-10-27", 25)]
    [InlineData("2024-01-15", 24)]
    public void LengthOfLocalDay_Berlin_FollowsDst(string day, int hours)
    {
        Assert.Equal(TimeSpan.FromHours(hours), MarketCalendar.LengthOfLocalDay(Day(day), Berlin));
    }

    [Fact]
    public void LocalDayOf_LateUtcEvening_IsNextLocalDayInBerlin()
    {
        var instant = new DateTimeOffset(2024, 6, 30, 22, 30, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2024, 7, 1), MarketCalendar.LocalDayOf(instant, Berlin));
        Assert.Equal(new DateOnly(2024, 6, 30), MarketCalendar.LocalDayOf(instant, Chicago));
    }

    [Theory]
    [InlineData("2024-07-01T10:47:13Z", 60, "2024-07-01T10:00:00Z")]
    [InlineData("2024-07-01T10:47:13Z", 15, "2024-07-01T10:45:00Z")]
    [InlineData("2024-07-01T10:45:00Z", 15, "2024-07-01T10:45:00Z")]
    [InlineData("2024-07-01T12:47:13+02:00", 60, "2024-07-01T10:00:00Z")]
    public void SlotStart_InstantInsideSlot_AlignsToUtcSlotBoundary(string instant, int slotMinutes, string expected)
    {
        var start = MarketCalendar.SlotStart(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture), TimeSpan.FromMinutes(slotMinutes));

        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), start);
        Assert.Equal(TimeSpan.Zero, start.Offset);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(45)]
    [InlineData(90)]
    [InlineData(0)]
    [InlineData(-15)]
    public void SlotsOfLocalDay_SlotThatDoesNotDivideAnHour_Throws(int slotMinutes)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            MarketCalendar.SlotsOfLocalDay(new DateOnly(2024, 7, 1), Berlin, TimeSpan.FromMinutes(slotMinutes)));
    }

    [Fact]
    public void StartOfLocalDay_NullZone_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => MarketCalendar.StartOfLocalDay(new DateOnly(2024, 7, 1), null!));
    }

    [Fact]
    public void SlotsOfLocalDay_DailySlotOnAutumnDstDay_IsOneSlot()
    {
        var slots = MarketCalendar.SlotsOfLocalDay(new DateOnly(2024, 10, 27), Berlin, TimeSpan.FromDays(1));

        Assert.Single(slots);
    }
}
