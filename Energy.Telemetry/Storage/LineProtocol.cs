using System.Globalization;
using System.Text;

namespace Energy.Telemetry.Storage;

/// <summary>InfluxDB line protocol: <c>measurement,tag=v field=1.5 1700000000000000000</c>, with its escaping rules.</summary>
public static class LineProtocol
{
    public static void Append(StringBuilder sb, TimeSeriesPoint point)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(point);
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
        sb.Append(' ').Append((point.Timestamp.ToUnixTimeMilliseconds() * 1_000_000).ToString(CultureInfo.InvariantCulture));
        sb.Append('\n');
    }

    private static void Escape(StringBuilder sb, string text, bool measurement)
    {
        foreach (var c in text)
        {
            if (c == ',' || c == ' ' || (!measurement && c == '='))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }
    }
}
