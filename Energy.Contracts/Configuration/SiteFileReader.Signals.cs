using Energy.Contracts.Signals;
using Energy.Contracts.Units;

namespace Energy.Contracts.Configuration;

internal sealed partial class SiteFileReader
{
    private static readonly Dictionary<string, PayloadFormat> Formats = new(StringComparer.OrdinalIgnoreCase)
    {
        ["plain"] = PayloadFormat.Plain,
        ["json"] = PayloadFormat.Json,
        ["json-value-unit"] = PayloadFormat.JsonValueUnit,
        ["key-value"] = PayloadFormat.KeyValue,
    };

    private static List<TopicSignal> TopicSignals(IReadOnlyList<YamlSection> sections)
    {
        var signals = new List<TopicSignal>();
        foreach (var s in sections)
        {
            var name = s.String("signal");
            var topic = s.String("topic");
            var format = s.Choice("format", Formats, required: false) ?? PayloadFormat.Plain;
            var path = s.String("jsonPath", required: format == PayloadFormat.Json);
            var key = s.String("key", required: format == PayloadFormat.KeyValue);
            var unit = UnitOf(s, name) ?? Unit.Dimensionless;
            var scale = s.Number("scale", "factor", required: false) ?? 1;
            var offset = s.Number("offset", unit.Symbol, required: false) ?? 0;
            var min = s.Number("min", unit.Symbol, required: false);
            var max = s.Number("max", unit.Symbol, required: false);
            var maxAge = s.Duration("maxAge", required: false) ?? TimeSpan.FromMinutes(5);
            var qos = s.Integer("qos", required: false, min: 0, max: 1) ?? 1;
            if (topic is not null && TopicProblem(topic) is { } problem)
            {
                s.ErrorAt("topic", problem);
            }

            if (name is not null && topic is not null && Placeholders(name) > Wildcards(topic))
            {
                s.ErrorAt("signal", $"the name uses {{{Placeholders(name)}}} but the topic has only {Wildcards(topic)} '+' wildcard(s)");
            }

            if (min > max)
            {
                s.ErrorAt("min", $"the minimum ({min}) is above the maximum ({max})");
            }

            if (maxAge <= TimeSpan.Zero)
            {
                s.ErrorAt("maxAge", "expected a positive duration");
            }

            s.Complete();
            if (name is not null && topic is not null && TopicProblem(topic) is null)
            {
                signals.Add(new TopicSignal(name, topic, format, path, key, unit, scale, offset, min, max, maxAge, qos));
            }
        }

        return signals;
    }

    /// <summary>MQTT's rules for a subscription filter (MQTT 5.0 §4.7).</summary>
    private static string? TopicProblem(string topic)
    {
        var levels = topic.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            if (levels[i].Contains('#', StringComparison.Ordinal) && (levels[i] != "#" || i != levels.Length - 1))
            {
                return "'#' must be a whole level and the last one, as in 'site/bms/#'";
            }

            if (levels[i].Contains('+', StringComparison.Ordinal) && levels[i] != "+")
            {
                return "'+' must be a whole level, as in 'site/+/temperature'";
            }
        }

        return topic.Length == 0 ? "the topic is empty" : null;
    }

    private static int Wildcards(string topic) => topic.Split('/').Count(l => l == "+");

    private static int Placeholders(string name)
    {
        var highest = 0;
        for (var i = 1; i <= 9; i++)
        {
            if (name.Contains($"{{{i}}}", StringComparison.Ordinal))
            {
                highest = i;
            }
        }

        return highest;
    }
}
