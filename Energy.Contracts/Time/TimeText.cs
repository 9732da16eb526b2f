using System.Globalization;

namespace Energy.Contracts.Time;

/// <summary>
/// Times in messages: "19:48" when the instant falls on the same day as now in the zone it is printed in, else with
/// its date ("2025-03-02 19:48"), so that "until 19:48" of a curtailment ending tomorrow is never read as today.
/// </summary>
public static class TimeText
{
    /// <summary><paramref name="instant"/> as HH:mm in <paramref name="zone"/>, preceded by its date (yyyy-MM-dd) when that is not <paramref name="now"/>'s day there.</summary>
    public static string Clock(DateTimeOffset instant, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var today = TimeZoneInfo.ConvertTime(now, zone);
        return local.ToString(local.Date == today.Date ? "HH:mm" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    /// <summary><see cref="Clock"/> in UTC with the zone named: "19:48 UTC", "2025-03-02 19:48 UTC".</summary>
    public static string ClockUtc(DateTimeOffset instant, DateTimeOffset now) => Clock(instant, now, TimeZoneInfo.Utc) + " UTC";
}
