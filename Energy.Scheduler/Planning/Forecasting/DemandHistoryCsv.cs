using System.Globalization;
using Energy.Contracts.Time;

namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// The history's file format, in the shared data's conventions: <c>timestamp_utc</c> (slot start, ISO
/// UTC) then one column per signal, named after it; an empty cell is an unknown slot.
/// </summary>
public static class DemandHistoryCsv
{
    private const string TimestampFormat = "yyyy-MM-ddTHH:mm:ssZ";

    public static void Write(TextWriter writer, DemandHistory history)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(history);
        writer.Write("timestamp_utc");
        foreach (var signal in history.Signals)
        {
            writer.Write(',');
            writer.Write(signal);
        }

        writer.Write('\n');
        foreach (var row in history.Known().GroupBy(k => k.Start))
        {
            writer.Write(row.Key.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture));
            var cells = row.ToDictionary(k => k.Signal, k => k.Mean, StringComparer.Ordinal);
            foreach (var signal in history.Signals)
            {
                writer.Write(',');
                if (cells.TryGetValue(signal, out var mean))
                {
                    writer.Write(mean.ToString("0.####", CultureInfo.InvariantCulture));
                }
            }

            writer.Write('\n');
        }
    }

    /// <summary>Reads a file into <paramref name="history"/> (columns it does not keep are skipped); the first problem found, or null.</summary>
    public static string? Read(TextReader reader, DemandHistory history, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(history);
        var header = reader.ReadLine()?.Split(',');
        if (header is null || header[0] != "timestamp_utc" || header.Skip(1).Any(string.IsNullOrWhiteSpace))
        {
            return "line 1: expected a header 'timestamp_utc,<signal>,…'";
        }

        var rows = new List<(DateTimeOffset Start, string Signal, double Mean)>();
        DateTimeOffset? previous = null;
        var number = 1;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            number++;
            var cells = line.Split(',');
            if (cells.Length != header.Length)
            {
                return $"line {number}: {cells.Length} cells, the header has {header.Length}";
            }

            if (!DateTimeOffset.TryParseExact(cells[0], TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start)
                || MarketCalendar.SlotStart(start, DemandHistory.SlotLength) != start || start <= previous)
            {
                return $"line {number}: '{cells[0]}' is not a slot start after the previous row";
            }

            previous = start;
            for (var c = 1; c < cells.Length; c++)
            {
                if (cells[c].Length == 0)
                {
                    continue;
                }

                if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var mean) || !double.IsFinite(mean))
                {
                    return $"line {number}: '{cells[c]}' in column {header[c]} is not a number";
                }

                rows.Add((start, header[c], mean));
            }
        }

        foreach (var (start, signal, mean) in rows)
        {
            history.Restore(signal, start, mean, now);
        }

        return null;
    }
}
