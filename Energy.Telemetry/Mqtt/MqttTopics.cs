namespace Energy.Telemetry.Mqtt;

/// <summary>
/// MQTT topic filters (MQTT 5.0 §4.7): levels split by '/', '+' matches exactly one level (an empty
/// one too), '#' as the last level matches the rest including the parent ("a/#" matches "a"), and
/// topics starting with '$' are not matched by a filter that starts with a wildcard (§4.7.2).
/// Allocation-free: it runs for every message received.
/// </summary>
public static class MqttTopics
{
    /// <summary>Whether <paramref name="topic"/> matches <paramref name="filter"/>; false for an invalid filter.</summary>
    public static bool Matches(string filter, string topic)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(topic);
        if (filter.Length == 0 || (topic.StartsWith('$') && filter[0] is '+' or '#'))
        {
            return false;
        }

        var f = filter.AsSpan();
        var t = topic.AsSpan();
        while (true)
        {
            var fEnd = f.IndexOf('/');
            var fLevel = fEnd < 0 ? f : f[..fEnd];
            if (fLevel is "#")
            {
                return fEnd < 0;
            }

            var tEnd = t.IndexOf('/');
            var tLevel = tEnd < 0 ? t : t[..tEnd];
            if (!(fLevel is "+" || (fLevel.SequenceEqual(tLevel) && fLevel.IndexOfAny('+', '#') < 0)))
            {
                return false;
            }

            if (fEnd < 0)
            {
                return tEnd < 0;
            }

            if (tEnd < 0)
            {
                // The topic ended one level early: only a trailing "#" still matches (the parent rule).
                return f[(fEnd + 1)..] is "#";
            }

            f = f[(fEnd + 1)..];
            t = t[(tEnd + 1)..];
        }
    }

    /// <summary>Whether a filter may be subscribed: non-empty, '+' and '#' only as whole levels, '#' only last.</summary>
    public static bool IsValidFilter(string filter)
    {
        if (string.IsNullOrEmpty(filter) || filter.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        var levels = filter.AsSpan();
        foreach (var range in levels.Split('/'))
        {
            var level = levels[range];
            if (level.IndexOfAny('+', '#') >= 0 && level is not ("+" or "#"))
            {
                return false;
            }

            if (level is "#" && range.End.Value != levels.Length)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a topic may be published to: non-empty and free of wildcards.</summary>
    public static bool IsValidTopic(string topic) =>
        !string.IsNullOrEmpty(topic) && topic.AsSpan().IndexOfAny('+', '#', '\0') < 0;
}
