namespace Energy.Telemetry.Signals;

/// <summary>
/// An MQTT subscription filter that also says what its <c>+</c> wildcards matched, so that one mapping
/// (<c>bms/+/temperature</c> → <c>tank.{1}.temperatureC</c>) serves many topics (MQTT 5.0 §4.7).
/// </summary>
public sealed class TopicFilter
{
    private readonly string[] _levels;

    public TopicFilter(string filter)
    {
        ArgumentException.ThrowIfNullOrEmpty(filter);
        Filter = filter;
        _levels = filter.Split('/');
    }

    public string Filter { get; }

    public bool IsExact => !Filter.Contains('+', StringComparison.Ordinal) && !Filter.Contains('#', StringComparison.Ordinal);

    /// <summary>True when <paramref name="topic"/> matches; <paramref name="captures"/> holds the levels each '+' matched, in order.</summary>
    public bool TryMatch(string topic, out string[] captures)
    {
        ArgumentNullException.ThrowIfNull(topic);
        captures = [];

        // Topics starting with '$' (broker internals) are never matched by a leading wildcard.
        if (topic.StartsWith('$') && _levels[0] is "+" or "#")
        {
            return false;
        }

        var levels = topic.Split('/');
        var matched = new List<string>();
        for (var i = 0; i < _levels.Length; i++)
        {
            if (_levels[i] == "#")
            {
                captures = [.. matched];
                return true;
            }

            if (i >= levels.Length)
            {
                return false;
            }

            if (_levels[i] == "+")
            {
                matched.Add(levels[i]);
            }
            else if (!string.Equals(_levels[i], levels[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        if (levels.Length != _levels.Length)
        {
            return false;
        }

        captures = [.. matched];
        return true;
    }

    /// <summary>The signal name for a matched topic: <c>{1}</c>, <c>{2}</c>… replaced by what the wildcards matched.</summary>
    public static string Name(string template, IReadOnlyList<string> captures)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(captures);
        var name = template;
        for (var i = 0; i < captures.Count; i++)
        {
            name = name.Replace($"{{{i + 1}}}", captures[i], StringComparison.Ordinal);
        }

        return name;
    }
}
