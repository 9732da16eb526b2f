using System.Globalization;
using System.Text;

namespace Energy.Scheduler.Books;

/// <summary>
/// A statement as one CSV file (RFC 4180, invariant culture, a header row): a <c>level</c> column (hour, day,
/// month, total) and the same fields as the JSON lines; instants are local ISO 8601 with their offset; reasons
/// and flags are joined with "; "; a missing figure is an empty cell.
/// </summary>
public static class StatementCsv
{
    public static string Write(Statement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var csv = new StringBuilder();
        var header = StatementFormats.LineColumns.Concat(statement.Total.Figures.Fields().Select(f => f.Name));
        csv.Append(string.Join(',', header)).Append('\n');
        foreach (var line in statement.Hourly.Concat(statement.Daily).Concat(statement.Monthly).Append(statement.Total))
        {
            csv.Append(string.Join(',', Row(line).Select(Cell))).Append('\n');
        }

        return csv.ToString();
    }

    private static IEnumerable<string> Row(StatementLine line)
    {
        var inv = CultureInfo.InvariantCulture;
        yield return StatementFormats.LevelName(line.Level);
        yield return StatementFormats.Timestamp(line.Start);
        yield return StatementFormats.Timestamp(line.End);
        yield return line.Seconds.ToString(inv);
        yield return Math.Round(line.CoveredSeconds, 3).ToString(inv);
        yield return line.Partial ? "true" : "false";
        yield return line.Open ? "true" : "false";
        yield return line.Slots.ToString(inv);
        yield return line.EstimatedSlots.ToString(inv);
        yield return line.Estimated ? "true" : "false";
        yield return string.Join("; ", line.EstimatedReasons);
        yield return string.Join("; ", line.Flags);
        foreach (var field in line.Figures.Fields())
        {
            yield return field.Unit == StatementUnit.Text ? field.Text ?? string.Empty
                : StatementFormats.Presented(field) is not { } value ? string.Empty
                : field.Unit == StatementUnit.Money ? value.ToString("0.00", inv)
                : value.ToString(inv);
        }
    }

    private static string Cell(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
