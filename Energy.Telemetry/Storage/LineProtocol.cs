using System.Globalization;
using System.Text;

namespace Energy.Telemetry.Storage;

/// <summary>InfluxDB line protocol: <c>measurement,tag=v field=1.5 1700000000000000000</c>, with its escaping rules.</summary>
public static class LineProtocol
{
    /// <summary>Appends one line; false (and nothing written) for a value that is not a finite number.</summary>
    /// <param name="inMilliseconds">The timestamp in Unix milliseconds (write precision <c>ms</c>) instead of nanoseconds.</param>
    public static bool Append(StringBuilder sb, TimeSeriesPoint point, bool inMilliseconds = false)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(point);
        if (!double.IsFinite(point.Value))
        {
            return false;
        }

        Escape(sb, point.Measurement, measurement: true);
        foreach (var (key, value) in point.Tags)
        {
            sb.Append(',');
            Escape(sb, key, measurement: false);
            sb.Append('=');
            Escape(sb, value, measurement: false);
        }

        sb.Append(' ');
        Escape(sb, point.Field, measurement: false);
        sb.Append('=').Append(point.Value.ToString("R", CultureInfo.InvariantCulture));
        var ticks = point.Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var timestamp = inMilliseconds ? (ticks >= 0 ? ticks : ticks - TimeSpan.TicksPerMillisecond + 1) / TimeSpan.TicksPerMillisecond : ticks * 100;
        sb.Append(' ').Append(timestamp.ToString(CultureInfo.InvariantCulture));
        sb.Append('\n');
        return true;
    }

    private static void Escape(StringBuilder sb, string text, bool measurement)
    {
        foreach (var raw in text)
        {
            // Line protocol has no escape for line breaks: they become spaces.
            var c = raw is '\n' or '\r' ? ' ' : raw;
            if (c == ',' || c == ' ' || (!measurement && c == '='))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }
    }
}
