using System.Globalization;
using System.Text;

namespace Energy.Scheduler.Books;

/// <summary>Writes a statement in a format, and what goes with each format: its file name, extension and content type.</summary>
public static class StatementFormats
{
    /// <summary>Local time with the offset, as every format gives instants.</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:sszzz";

    public static string Render(Statement statement, StatementFormat format) => format switch
    {
        StatementFormat.Csv => StatementCsv.Write(statement),
        StatementFormat.Md => StatementMarkdown.Write(statement),
        _ => StatementJson.Write(statement),
    };

    public static string Extension(StatementFormat format) => format switch
    {
        StatementFormat.Csv => "csv",
        StatementFormat.Md => "md",
        _ => "json",
    };

    public static string ContentType(StatementFormat format) => format switch
    {
        StatementFormat.Csv => "text/csv; charset=utf-8",
        StatementFormat.Md => "text/markdown; charset=utf-8",
        _ => "application/json; charset=utf-8",
    };

    /// <summary><c>statement-&lt;kind&gt;[-&lt;name&gt;]-&lt;from&gt;-&lt;to&gt;.&lt;ext&gt;</c>, the name kept to letters, digits, '.', '_' and '-'.</summary>
    public static string FileName(Statement statement, StatementFormat format)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var name = new StringBuilder("statement-").Append(statement.Party.KindName);
        if (statement.Party.Name is { } party)
        {
            name.Append('-').Append(string.Concat(party.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_')));
        }

        return name.Append('-').Append(StatementRequest.Iso(statement.From)).Append('-').Append(StatementRequest.Iso(statement.To))
            .Append('.').Append(Extension(format)).ToString();
    }

    public static string Timestamp(DateTimeOffset at) => at.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>A figure as JSON and CSV carry it: money to cents, the rest to a millionth (far below any meter's resolution).</summary>
    public static double? Presented(StatementField field) => field.Number is not { } value ? null
        : field.Unit == StatementUnit.Money ? Math.Round(value, 2, MidpointRounding.AwayFromZero)
        : Math.Round(value, 6, MidpointRounding.AwayFromZero);

    /// <summary>The line-level figures every format gives before the party's own, in order.</summary>
    internal static IReadOnlyList<string> LineColumns { get; } =
        ["level", "start", "end", "seconds", "coveredSeconds", "partial", "open", "slots", "estimatedSlots", "estimated", "estimatedReasons", "flags"];

    internal static string LevelName(StatementLevel level) => level.ToString().ToLowerInvariant();
}
