using System.Globalization;

namespace Energy.Telemetry.Prices;

/// <summary>
/// The text forms the price files use: UTC instants as ISO-8601 with a Z, prices with the invariant
/// culture and the shortest form that reads back to the same double.
/// </summary>
internal static class PriceText
{
    private static readonly string[] InstantFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>For messages: minute precision, as ENTSO-E writes interval bounds.</summary>
    public static string Instant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    /// <summary>The shared data's timestamp form: <c>2024-01-01T00:00:00Z</c>.</summary>
    public static string CsvInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Price(double perMegawattHour) => perMegawattHour.ToString("R", CultureInfo.InvariantCulture);

    public static string Minutes(TimeSpan slotLength) => ((int)slotLength.TotalMinutes).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses an ISO-8601 instant. The shared data's fixed form <c>yyyy-MM-ddTHH:mm:ssZ</c> takes a
    /// fast path (no allocation); other ISO forms with Z or an offset fall back to the framework.
    /// An instant without an offset is taken as UTC: the column says so.
    /// </summary>
    public static bool TryParseInstant(ReadOnlySpan<char> text, out DateTimeOffset instant)
    {
        if (text.Length == 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' && text[16] == ':' && text[19] == 'Z'
            && TryDigits(text[..4], out var year) && TryDigits(text.Slice(5, 2), out var month) && TryDigits(text.Slice(8, 2), out var day)
            && TryDigits(text.Slice(11, 2), out var hour) && TryDigits(text.Slice(14, 2), out var minute) && TryDigits(text.Slice(17, 2), out var second)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && hour < 24 && minute < 60 && second < 60)
        {
            instant = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
            return true;
        }

        if (DateTimeOffset.TryParseExact(text, InstantFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant))
        {
            instant = instant.ToUniversalTime();
            return true;
        }

        return false;
    }

    /// <summary>A finite price; NaN and ±∞ are refused (the framework would parse "NaN" and "Infinity").</summary>
    public static bool TryParsePrice(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
