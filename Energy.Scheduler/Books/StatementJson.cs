using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Energy.Scheduler.Books;

/// <summary>
/// A statement as JSON: camelCase field names that stay stable (README "Statements"): the header (kind, party,
/// site, timeZone, currency, from, to, windowStart, windowEnd, latestSlotEnd, members, notes), then
/// <c>total</c>, <c>monthly</c>, <c>daily</c> and <c>hourly</c> lines, each with the line fields
/// (<see cref="StatementFormats.LineColumns"/>) and the party's figures (<see cref="StatementFigures.Fields"/>).
/// </summary>
public static class StatementJson
{
    /// <summary>Offsets stay readable ("+02:00", not "\u002B02:00"): the document is served as JSON, never embedded in HTML.</summary>
    private static readonly JavaScriptEncoder Relaxed = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static string Write(Statement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = Relaxed }))
        {
            json.WriteStartObject();
            json.WriteString("kind", statement.Party.KindName);
            json.WriteString("party", statement.Party.Name);
            json.WriteString("site", statement.Info.Site);
            json.WriteString("timeZone", statement.Info.TimeZoneId);
            json.WriteString("currency", statement.Info.Currency);
            json.WriteString("from", StatementRequest.Iso(statement.From));
            json.WriteString("to", StatementRequest.Iso(statement.To));
            json.WriteString("windowStart", StatementFormats.Timestamp(statement.Total.Start));
            json.WriteString("windowEnd", StatementFormats.Timestamp(statement.Total.End));
            json.WriteString("latestSlotEnd", statement.LatestSlotEnd is { } latest ? StatementFormats.Timestamp(latest) : null);
            Strings(json, "members", statement.Members);
            Strings(json, "notes", statement.Notes);
            json.WritePropertyName("total");
            Line(json, statement.Total);
            Lines(json, "monthly", statement.Monthly);
            Lines(json, "daily", statement.Daily);
            Lines(json, "hourly", statement.Hourly);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Lines(Utf8JsonWriter json, string name, IReadOnlyList<StatementLine> lines)
    {
        json.WriteStartArray(name);
        foreach (var line in lines)
        {
            Line(json, line);
        }

        json.WriteEndArray();
    }

    private static void Line(Utf8JsonWriter json, StatementLine line)
    {
        json.WriteStartObject();
        json.WriteString("level", StatementFormats.LevelName(line.Level));
        json.WriteString("start", StatementFormats.Timestamp(line.Start));
        json.WriteString("end", StatementFormats.Timestamp(line.End));
        json.WriteNumber("seconds", line.Seconds);
        json.WriteNumber("coveredSeconds", Math.Round(line.CoveredSeconds, 3));
        json.WriteBoolean("partial", line.Partial);
        json.WriteBoolean("open", line.Open);
        json.WriteNumber("slots", line.Slots);
        json.WriteNumber("estimatedSlots", line.EstimatedSlots);
        json.WriteBoolean("estimated", line.Estimated);
        Strings(json, "estimatedReasons", line.EstimatedReasons);
        Strings(json, "flags", line.Flags);
        foreach (var field in line.Figures.Fields())
        {
            if (field.Unit == StatementUnit.Text)
            {
                json.WriteString(field.Name, field.Text);
            }
            else if (StatementFormats.Presented(field) is { } value)
            {
                json.WriteNumber(field.Name, value);
            }
            else
            {
                json.WriteNull(field.Name);
            }
        }

        json.WriteEndObject();
    }

    private static void Strings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
