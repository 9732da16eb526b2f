using Energy.Contracts.Time;

namespace Energy.Contracts.Tests.Time;

/// <summary>Times in messages carry their date when they are not on today's date where they are printed.</summary>
public sealed class TimeTextTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 19, 48, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void ClockUtc_LaterToday_IsTheTimeAlone() => Assert.Equal("23:59 UTC", TimeText.ClockUtc(Now.AddMinutes(251), Now));

    [Fact]
    public void ClockUtc_TwentyFourHoursAhead_CarriesTheDate() => Assert.Equal("2025-03-02 19:48 UTC", TimeText.ClockUtc(Now.AddHours(24), Now));

    [Fact]
    public void ClockUtc_Yesterday_CarriesTheDate() => Assert.Equal("2025-02-28 23:00 UTC", TimeText.ClockUtc(Now.AddHours(-20.8), Now));

    [Fact]
    public void Clock_SiteZone_TheDayIsTheLocalOne()
    {
        // 22:30 UTC is 23:30 in Berlin on the same day, and 00:30 the next day an hour later.
        var evening = new DateTimeOffset(2025, 3, 1, 22, 30, 0, TimeSpan.Zero);

        Assert.Equal("23:30", TimeText.Clock(evening, Now, Berlin));
        Assert.Equal("2025-03-02 00:30", TimeText.Clock(evening.AddHours(1), Now, Berlin));
        Assert.Equal("23:30 UTC", TimeText.ClockUtc(evening.AddHours(1), Now));   // still 1 March in UTC
    }
}
