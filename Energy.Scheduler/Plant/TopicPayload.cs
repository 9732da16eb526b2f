using System.Globalization;
using System.Text;
using System.Text.Json;
using Energy.Contracts.Signals;

namespace Energy.Scheduler.Plant;

/// <summary>How the demo's simulated BMS writes a value in a mapped topic's format: the inverse of the ingest's parser.</summary>
public static class TopicPayload
{
    /// <summary>The payload of <paramref name="value"/>, given in the signal's unit, as the mapping's BMS would send it.</summary>
    public static byte[] Encode(TopicSignal map, double value, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(map);
        var unit = map.ValueUnitOf(map.Signal);
        var raw = (map.SignalUnitOf(map.Signal).Convert(value, unit) - map.Offset) / map.Scale;
        var number = raw.ToString("0.###", CultureInfo.InvariantCulture);
        return map.Format switch
        {
            PayloadFormat.Plain => Encoding.UTF8.GetBytes(number),
            PayloadFormat.KeyValue => Encoding.UTF8.GetBytes($"{map.Key}={number};unit={unit}"),
            PayloadFormat.JsonValueUnit => JsonSerializer.SerializeToUtf8Bytes(new { value = Math.Round(raw, 3), unit = unit.Symbol, timestamp = at.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture) }),
            _ => Encoding.UTF8.GetBytes(Nest(map.JsonPath!, number)),
        };
    }

    /// <summary><c>a.b</c> and 61.2 → <c>{"a":{"b":61.2}}</c> (paths with indexes are not written by the demo).</summary>
    private static string Nest(string path, string number)
    {
        var parts = path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries);
        var json = number;
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            json = "{" + JsonSerializer.Serialize(parts[i]) + ":" + json + "}";
        }

        return json;
    }
}
