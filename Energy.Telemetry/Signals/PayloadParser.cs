using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Energy.Contracts.Readings;
using Energy.Contracts.Signals;
using Energy.Contracts.Units;

namespace Energy.Telemetry.Signals;

/// <summary>
/// Turns one MQTT payload into a reading of its mapped signal. Whatever the payload holds — a word,
/// NaN, 1e309, nothing, broken JSON, a wrong unit, a value out of range — the result is a reading:
/// Good, or Bad with the reason. Never an exception, never silently dropped.
/// </summary>
public static partial class PayloadParser
{
    private const int MaxShownChars = 40;

    /// <summary>
    /// The payload's value in the mapping's unit (a payload that names its unit is converted to it),
    /// scaled and range-checked there, then converted to the unit of <paramref name="signal"/>, which
    /// the reading carries. A mapping without a unit is in the signal's unit.
    /// </summary>
    public static Reading Parse(TopicSignal map, string signal, ReadOnlySpan<byte> payload, DateTimeOffset receivedAt, string source)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(signal);
        var kept = map.SignalUnitOf(signal);
        var mapped = map.ValueUnitOf(signal);
        var (value, unit, timestamp, error) = map.Format switch
        {
            PayloadFormat.Plain => Plain(payload),
            PayloadFormat.Json => Json(payload, map.JsonPath!),
            PayloadFormat.JsonValueUnit => JsonValueUnit(payload),
            _ => KeyValue(payload, map.Key!),
        };

        var at = timestamp ?? receivedAt;
        if (error is not null)
        {
            return Reading.Bad(signal, kept, error, at, source);
        }

        if (timestamp > receivedAt + TimeSpan.FromMinutes(1))
        {
            return Reading.Bad(signal, kept, $"timestamp {timestamp:o} is in the future", receivedAt, source);
        }

        // Without a unit on either side there is nothing to check the payload's unit against.
        if (unit is not null && !mapped.IsDimensionless)
        {
            if (!Unit.TryParse(unit, out var sent) || !sent.TryConvert(value, mapped, out var converted))
            {
                return Reading.Bad(signal, kept, $"wrong unit: '{unit}' where {mapped} is expected", at, source);
            }

            value = converted;
        }

        value = (value * map.Scale) + map.Offset;
        if (!double.IsFinite(value))
        {
            return Reading.Bad(signal, kept, $"not a finite number after scaling ({value})", at, source);
        }

        if (value < map.Min || value > map.Max)
        {
            return Reading.Bad(signal, kept,
                string.Create(CultureInfo.InvariantCulture, $"out of range: {value} {mapped} is outside [{map.Min?.ToString(CultureInfo.InvariantCulture) ?? "-"}, {map.Max?.ToString(CultureInfo.InvariantCulture) ?? "-"}]"),
                at, source);
        }

        // Only a name filled in from the topic can imply a unit the site file could not check.
        return mapped.TryConvert(value, kept, out var inSignalUnit)
            ? Reading.Good(signal, inSignalUnit, kept, at, source)
            : Reading.Bad(signal, kept, $"{mapped.Describe()} does not convert to {kept.Describe()}, the unit of signal {signal}", at, source);
    }

    private static (double, string?, DateTimeOffset?, string?) Plain(ReadOnlySpan<byte> payload)
    {
        var text = Encoding.UTF8.GetString(payload).Trim();
        return Number(text, out var value) is { } error ? (0, null, null, error) : (value, null, null, null);
    }

    private static (double, string?, DateTimeOffset?, string?) Json(ReadOnlySpan<byte> payload, string path)
    {
        if (Document(payload, out var doc) is { } error)
        {
            return (0, null, null, error);
        }

        using (doc)
        {
            return Walk(doc!.RootElement, path) is not { } element
                ? (0, null, null, $"no value at '{path}'")
                : Element(element, path) is var (value, problem) && problem is not null ? (0, null, null, problem) : (value, null, null, null);
        }
    }

    private static (double, string?, DateTimeOffset?, string?) JsonValueUnit(ReadOnlySpan<byte> payload)
    {
        if (Document(payload, out var doc) is { } error)
        {
            return (0, null, null, error);
        }

        using (doc)
        {
            var root = doc!.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("value", out var v))
            {
                return (0, null, null, "expected a JSON object with \"value\"");
            }

            var (value, problem) = Element(v, "value");
            if (problem is not null)
            {
                return (0, null, null, problem);
            }

            string? unit = root.TryGetProperty("unit", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            DateTimeOffset? timestamp = null;
            if (root.TryGetProperty("timestamp", out var t))
            {
                if (t.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return (0, null, null, $"\"timestamp\" is not an ISO-8601 time: {Show(t.GetRawText())}");
                }

                timestamp = parsed.ToUniversalTime();
            }

            return (value, unit, timestamp, null);
        }
    }

    private static (double, string?, DateTimeOffset?, string?) KeyValue(ReadOnlySpan<byte> payload, string key)
    {
        // "temp = 61.2" and "temp=61.2" alike: spaces around '=' do not separate pairs.
        var text = EqualsWithSpaces().Replace(Encoding.UTF8.GetString(payload), "=");
        string? raw = null;
        string? unit = null;
        foreach (var pair in text.Split([';', ',', ' ', '\n', '&'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var k = pair[..eq].Trim();
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
            {
                raw = pair[(eq + 1)..].Trim();
            }
            else if (string.Equals(k, "unit", StringComparison.OrdinalIgnoreCase))
            {
                unit = pair[(eq + 1)..].Trim();
            }
        }

        if (raw is null)
        {
            return (0, null, null, text.Trim().Length == 0 ? "empty payload" : $"no '{key}=' in {Show(text)}");
        }

        return Number(raw, out var value) is { } error ? (0, null, null, error) : (value, unit, null, null);
    }

    private static string? Number(string text, out double value)
    {
        value = 0;
        if (text.Length == 0)
        {
            return "empty payload";
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return $"not a number: {Show(text)}";
        }

        return double.IsFinite(value) ? null : $"not a finite number: {Show(text)}";
    }

    private static string? Document(ReadOnlySpan<byte> payload, out JsonDocument? doc)
    {
        doc = null;
        if (payload.Trim((byte)' ').IsEmpty)
        {
            return "empty payload";
        }

        try
        {
            doc = JsonDocument.Parse(payload.ToArray());
            return null;
        }
        catch (JsonException e)
        {
            return $"invalid JSON: {e.Message}";
        }
    }

    private static (double, string?) Element(JsonElement element, string path) => element.ValueKind switch
    {
        // Strings are read too: many BMS gateways quote their numbers.
        JsonValueKind.Number when element.TryGetDouble(out var d) && double.IsFinite(d) => (d, null),
        JsonValueKind.Number => (0, $"not a finite number at '{path}': {Show(element.GetRawText())}"),
        JsonValueKind.String => Number(element.GetString() ?? string.Empty, out var s) is { } error ? (0, error + $" at '{path}'") : (s, null),
        _ => (0, $"expected a number at '{path}', got {element.ValueKind.ToString().ToLowerInvariant()}"),
    };

    /// <summary>A dotted path with optional indexes: <c>tank.top</c>, <c>sensors[2].value</c>, <c>$.a.b</c>.</summary>
    private static JsonElement? Walk(JsonElement root, string path)
    {
        var current = root;
        foreach (var part in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part;
            var index = -1;
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0 && part.EndsWith(']') && int.TryParse(part.AsSpan(bracket + 1, part.Length - bracket - 2), out var i))
            {
                name = part[..bracket];
                index = i;
            }

            if (name.Length > 0)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                {
                    return null;
                }
            }

            if (index >= 0)
            {
                if (current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength())
                {
                    return null;
                }

                current = current[index];
            }
        }

        return current;
    }

    [GeneratedRegex(@"\s*=\s*")]
    private static partial Regex EqualsWithSpaces();

    private static string Show(string text) =>
        "'" + (text.Length > MaxShownChars ? text[..MaxShownChars] + "…" : text) + "'";
}
