using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Energy.Contracts.Configuration;

/// <summary>
/// Reads one YAML mapping field by field, recording a located error for every missing, mistyped or
/// out-of-range value, and — once <see cref="Complete"/> is called — for every key nobody asked for.
/// </summary>
internal sealed class YamlSection
{
    private readonly YamlMappingNode _node;
    private readonly ConfigErrorList _errors;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public YamlSection(YamlMappingNode node, string path, ConfigErrorList errors)
    {
        _node = node;
        Path = path;
        _errors = errors;
    }

    public string Path { get; }

    public Mark Start => _node.Start;

    public bool Has(string key) => Find(key) is not null;

    /// <summary>Whether the key holds a list (with at least one item, if asked).</summary>
    public bool IsList(string key, bool nonEmpty) =>
        Find(key) is YamlSequenceNode list && (!nonEmpty || list.Children.Count > 0);

    public string FieldPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public void ErrorAt(string key, string message)
    {
        var value = Find(key);
        _errors.Add(value?.Start ?? _node.Start, FieldPath(key), message);
    }

    public void Error(string message) => _errors.Add(_node.Start, Path, message);

    public string? String(string key, bool required = true)
    {
        var scalar = Scalar(key, required, "a text value");
        if (scalar is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(scalar.Value))
        {
            _errors.Add(scalar.Start, FieldPath(key), "expected a non-empty text value");
            return null;
        }

        if (scalar.Value.Length > SiteFileLimits.MaxTextLength)
        {
            _errors.Add(scalar.Start, FieldPath(key), $"the text is {scalar.Value.Length:N0} characters; at most {SiteFileLimits.MaxTextLength:N0} are allowed");
            return null;
        }

        return scalar.Value;
    }

    public double? Number(string key, string unit, bool required = true, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var scalar = Scalar(key, required, $"a number ({unit})");
        if (scalar is null)
        {
            return null;
        }

        if (!TryParseNumber(scalar, out var value))
        {
            _errors.Add(scalar.Start, FieldPath(key), $"expected a number ({unit}), got {Describe(scalar)}");
            return null;
        }

        if (value < min || value > max)
        {
            _errors.Add(scalar.Start, FieldPath(key), $"expected a number ({unit}) {RangeText(min, max)}, got {value.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return value;
    }

    public int? Integer(string key, bool required = true, int min = int.MinValue, int max = int.MaxValue)
    {
        var scalar = Scalar(key, required, "a whole number");
        return scalar is null ? null : ParseInteger(scalar, FieldPath(key), min, max);
    }

    public bool? Boolean(string key, bool required = true)
    {
        var scalar = Scalar(key, required, "true or false");
        if (scalar is null)
        {
            return null;
        }

        if (scalar.Style is ScalarStyle.Plain && bool.TryParse(scalar.Value, out var value))
        {
            return value;
        }

        _errors.Add(scalar.Start, FieldPath(key), $"expected true or false, got {Describe(scalar)}");
        return null;
    }

    /// <summary>A duration such as <c>90s</c>, <c>15m</c>, <c>2h</c>.</summary>
    public TimeSpan? Duration(string key, bool required = true)
    {
        var scalar = Scalar(key, required, "a duration such as 30s, 15m or 1h");
        if (scalar is null)
        {
            return null;
        }

        if (DurationText.TryParse(scalar.Value, out var duration) && duration >= TimeSpan.Zero)
        {
            return duration;
        }

        _errors.Add(scalar.Start, FieldPath(key), $"expected a duration such as 30s, 15m or 1h, got {Describe(scalar)}");
        return null;
    }

    /// <summary>One of a fixed set of words, compared without case.</summary>
    public T? Choice<T>(string key, IReadOnlyDictionary<string, T> choices, bool required = true)
        where T : struct
    {
        var scalar = Scalar(key, required, "one of " + string.Join(", ", choices.Keys));
        return scalar is null ? null : ParseChoice(scalar, FieldPath(key), choices);
    }

    public YamlSection? Section(string key, bool required = true)
    {
        var node = Node(key, required, "a mapping of fields");
        switch (node)
        {
            case null:
                return null;
            case YamlMappingNode mapping:
                return new YamlSection(mapping, FieldPath(key), _errors);
            default:
                _errors.Add(node.Start, FieldPath(key), $"expected a mapping of fields, got {Describe(node)}");
                return null;
        }
    }

    public IReadOnlyList<YamlSection>? Sections(string key, bool required = true)
    {
        var items = Sequence(key, required, "a list of mappings");
        if (items is null)
        {
            return null;
        }

        var sections = new List<YamlSection>(items.Children.Count);
        for (var i = 0; i < items.Children.Count; i++)
        {
            var path = $"{FieldPath(key)}[{i}]";
            if (items.Children[i] is YamlMappingNode mapping)
            {
                sections.Add(new YamlSection(mapping, path, _errors));
            }
            else
            {
                _errors.Add(items.Children[i].Start, path, $"expected a mapping of fields, got {Describe(items.Children[i])}");
            }
        }

        return sections;
    }

    public IReadOnlyList<string>? Strings(string key, bool required = true)
    {
        var items = Sequence(key, required, "a list of names");
        if (items is null)
        {
            return null;
        }

        var values = new List<string>();
        for (var i = 0; i < items.Children.Count; i++)
        {
            if (items.Children[i] is YamlScalarNode { Value: { Length: > 0 and <= SiteFileLimits.MaxTextLength } text })
            {
                values.Add(text);
            }
            else
            {
                _errors.Add(items.Children[i].Start, $"{FieldPath(key)}[{i}]", $"expected a name, got {Describe(items.Children[i])}");
            }
        }

        return values;
    }

    public IReadOnlyList<int>? Integers(string key, bool required = true, int min = int.MinValue, int max = int.MaxValue)
    {
        var items = Sequence(key, required, "a list of whole numbers");
        if (items is null)
        {
            return null;
        }

        var values = new List<int>();
        var ok = true;
        for (var i = 0; i < items.Children.Count; i++)
        {
            var path = $"{FieldPath(key)}[{i}]";
            if (items.Children[i] is YamlScalarNode scalar && ParseInteger(scalar, path, min, max) is { } value)
            {
                values.Add(value);
            }
            else
            {
                if (items.Children[i] is not YamlScalarNode)
                {
                    _errors.Add(items.Children[i].Start, path, $"expected a whole number, got {Describe(items.Children[i])}");
                }

                ok = false;
            }
        }

        return ok ? values : null;
    }

    /// <summary>Reports every key of this mapping that was never asked for, with a suggestion when one is close.</summary>
    public void Complete()
    {
        foreach (var (keyNode, _) in _node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "?";
            if (_known.Contains(key))
            {
                continue;
            }

            var suggestion = Suggest(key);
            var known = string.Join(", ", _known.Order(StringComparer.Ordinal));
            _errors.Add(keyNode.Start, FieldPath(key), suggestion is null
                ? $"unknown field '{key}' (known fields here: {known})"
                : $"unknown field '{key}'; did you mean '{suggestion}'?");
        }
    }

    /// <summary>Declares keys that are read elsewhere (or deliberately ignored) so that Complete does not flag them.</summary>
    public void Allow(params string[] keys)
    {
        foreach (var key in keys)
        {
            _known.Add(key);
        }
    }

    private YamlNode? Find(string key)
    {
        foreach (var (keyNode, value) in _node.Children)
        {
            if (keyNode is YamlScalarNode scalar && scalar.Value == key)
            {
                return value;
            }
        }

        return null;
    }

    private YamlNode? Node(string key, bool required, string expected)
    {
        _known.Add(key);
        var node = Find(key);
        if (node is null || node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" })
        {
            if (required)
            {
                _errors.Add(node?.Start ?? _node.Start, FieldPath(key), node is null
                    ? $"missing required field '{key}' (expected {expected})"
                    : $"expected {expected}, got nothing");
            }

            return null;
        }

        return node;
    }

    private YamlScalarNode? Scalar(string key, bool required, string expected)
    {
        var node = Node(key, required, expected);
        if (node is null or YamlScalarNode)
        {
            return (YamlScalarNode?)node;
        }

        _errors.Add(node.Start, FieldPath(key), $"expected {expected}, got {Describe(node)}");
        return null;
    }

    private YamlSequenceNode? Sequence(string key, bool required, string expected)
    {
        var node = Node(key, required, expected);
        if (node is YamlSequenceNode { Children.Count: > SiteFileLimits.MaxListItems } list)
        {
            _errors.Add(node.Start, FieldPath(key), $"the list has {list.Children.Count:N0} items; at most {SiteFileLimits.MaxListItems:N0} are allowed");
            return null;
        }

        if (node is null or YamlSequenceNode)
        {
            return (YamlSequenceNode?)node;
        }

        _errors.Add(node.Start, FieldPath(key), $"expected {expected}, got {Describe(node)}");
        return null;
    }

    private int? ParseInteger(YamlScalarNode scalar, string path, int min, int max)
    {
        if (scalar.Style is not ScalarStyle.Plain
            || !int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            _errors.Add(scalar.Start, path, $"expected a whole number, got {Describe(scalar)}");
            return null;
        }

        if (value < min || value > max)
        {
            _errors.Add(scalar.Start, path, $"expected a whole number {RangeText(min, max)}, got {value}");
            return null;
        }

        return value;
    }

    private T? ParseChoice<T>(YamlScalarNode scalar, string path, IReadOnlyDictionary<string, T> choices)
        where T : struct
    {
        foreach (var (word, value) in choices)
        {
            if (string.Equals(word, scalar.Value, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        _errors.Add(scalar.Start, path, $"expected one of {string.Join(", ", choices.Keys)}, got {Describe(scalar)}");
        return null;
    }

    internal T? ChoiceOf<T>(YamlScalarNode scalar, string path, IReadOnlyDictionary<string, T> choices)
        where T : struct => ParseChoice(scalar, path, choices);

    internal IReadOnlyList<T>? Choices<T>(string key, IReadOnlyDictionary<string, T> choices, bool required = true)
        where T : struct
    {
        var items = Sequence(key, required, "a list of " + string.Join(", ", choices.Keys));
        if (items is null)
        {
            return null;
        }

        var values = new List<T>();
        for (var i = 0; i < items.Children.Count; i++)
        {
            var path = $"{FieldPath(key)}[{i}]";
            if (items.Children[i] is YamlScalarNode scalar)
            {
                if (ParseChoice(scalar, path, choices) is { } value)
                {
                    values.Add(value);
                }
            }
            else
            {
                _errors.Add(items.Children[i].Start, path, $"expected one of {string.Join(", ", choices.Keys)}, got {Describe(items.Children[i])}");
            }
        }

        return values;
    }

    private static bool TryParseNumber(YamlScalarNode scalar, out double value)
    {
        value = 0;
        return scalar.Style is ScalarStyle.Plain
            && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value);
    }

    private static string RangeText(double min, double max) => (double.IsInfinity(min), double.IsInfinity(max)) switch
    {
        (false, false) => $"between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}",
        (false, true) => $"of at least {min.ToString(CultureInfo.InvariantCulture)}",
        (true, false) => $"of at most {max.ToString(CultureInfo.InvariantCulture)}",
        _ => string.Empty,
    };

    private static string RangeText(int min, int max) => RangeText(
        min == int.MinValue ? double.NegativeInfinity : min,
        max == int.MaxValue ? double.PositiveInfinity : max);

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } s => $"the quoted text '{s.Value}'",
        YamlScalarNode s => $"'{s.Value}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "something else",
    };

    private string? Suggest(string key)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in _known)
        {
            var distance = EditDistance(key.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            row[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }
}
