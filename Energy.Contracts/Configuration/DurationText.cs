using System.Globalization;

namespace Energy.Contracts.Configuration;

/// <summary>Durations as operators write them: <c>500ms</c>, <c>30s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c>.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var split = 0;
        while (split < text.Length && (char.IsAsciiDigit(text[split]) || text[split] == '.'))
        {
            split++;
        }

        if (split == 0 || !double.TryParse(text.AsSpan(0, split), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        double? seconds = text[split..].Trim() switch
        {
            "ms" => amount / 1_000,
            "s" or "sec" => amount,
            "m" or "min" => amount * 60,
            "h" => amount * 3_600,
            "d" => amount * 86_400,
            _ => null,
        };
        if (seconds is null || seconds > TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(seconds.Value);
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var duration) ? duration : throw new FormatException($"'{text}' is not a duration such as 30s, 15m or 1h.");
}
