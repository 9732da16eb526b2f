using System.Globalization;
using System.Text;

namespace Energy.Scheduler.Books;

/// <summary>
/// A statement to read: a header (site, party, window, currency), the totals, a monthly and a daily table, and
/// notes on what the figures rest on (estimated slots and why, counter flags, partial coverage, the open slot).
/// Money is shown to cents in the ledger's currency; hourly lines are left to CSV and JSON.
/// </summary>
public static class StatementMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Write(Statement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var md = new StringBuilder();
        var info = statement.Info;
        var party = statement.Party;
        md.Append(Inv, $"# Statement: {party}\n\n");
        md.Append("| | |\n|---|---|\n");
        md.Append(Inv, $"| Site | {Escape(info.Site)} |\n");
        md.Append(Inv, $"| Party | {Escape(party.ToString())}{Members(statement)} |\n");
        md.Append(Inv, $"| Window | {StatementRequest.Iso(statement.From)} to {StatementRequest.Iso(statement.To)}, local days in {info.TimeZoneId} "
            + $"({StatementFormats.Timestamp(statement.Total.Start)} to {StatementFormats.Timestamp(statement.Total.End)}) |\n");
        md.Append(Inv, $"| Currency | {info.Currency} |\n");
        md.Append(Inv, $"| Ledger up to | {(statement.LatestSlotEnd is { } latest ? StatementFormats.Timestamp(latest) : "no slots in the window")} |\n\n");

        md.Append("## Total\n\n| Figure | Value |\n|---|---:|\n");
        foreach (var field in statement.Total.Figures.Fields())
        {
            md.Append(Inv, $"| {Heading(field, info.Currency)} | {Value(field)} |\n");
        }

        md.Append(Inv, $"| Coverage | {Coverage(statement.Total)} |\n\n");
        Table(md, "Monthly", "Month", statement.Monthly, l => l.Start.ToString("yyyy-MM", Inv), info.Currency);
        Table(md, "Daily", "Date", statement.Daily, l => l.Start.ToString("yyyy-MM-dd", Inv), info.Currency);
        Notes(md, statement);
        return md.ToString();
    }

    private static void Table(StringBuilder md, string title, string first, IReadOnlyList<StatementLine> lines, Func<StatementLine, string> name, string currency)
    {
        var fields = lines[0].Figures.Fields();
        md.Append(Inv, $"## {title}\n\n| {first} | {string.Join(" | ", fields.Select(f => Heading(f, currency)))} | Coverage | Notes |\n");
        md.Append(Inv, $"|---|{string.Concat(fields.Select(f => f.Unit == StatementUnit.Text ? "---|" : "---:|"))}---:|---|\n");
        foreach (var line in lines)
        {
            md.Append(Inv, $"| {name(line)} | {string.Join(" | ", line.Figures.Fields().Select(Value))} | {Coverage(line)} | {Marks(line)} |\n");
        }

        md.Append('\n');
    }

    private static void Notes(StringBuilder md, Statement statement)
    {
        var notes = new List<string>(statement.Notes);
        foreach (var day in statement.Daily.Where(d => d.Estimated))
        {
            notes.Add(string.Create(Inv, $"{day.Start:yyyy-MM-dd}: {day.EstimatedSlots} of {day.Slots} slots estimated ({string.Join("; ", day.EstimatedReasons)})"));
        }

        foreach (var day in statement.Daily.Where(d => d.Flags.Count > 0))
        {
            notes.Add(string.Create(Inv, $"{day.Start:yyyy-MM-dd}: {string.Join("; ", day.Flags)}"));
        }

        var partial = statement.Daily.Where(d => d.Partial && d.Slots > 0).Select(d => d.Start.ToString("yyyy-MM-dd", Inv)).ToList();
        if (partial.Count > 0)
        {
            notes.Add($"HeatGrid did not observe the whole of {string.Join(", ", partial)}: see each line's coverage");
        }

        var unobserved = statement.Daily.Count(d => d.Slots == 0);
        if (unobserved > 0)
        {
            notes.Add(string.Create(Inv, $"{unobserved} day(s) of the window have no ledger slots (HeatGrid was not running, or they are still to come)"));
        }

        if (statement.Total.Open)
        {
            notes.Add("The window holds the slot in progress (open): its figures are those so far and will still grow.");
        }

        if (notes.Count == 0)
        {
            return;
        }

        md.Append("## Notes\n\n");
        foreach (var note in notes)
        {
            md.Append("- ").Append(Escape(note)).Append('\n');
        }
    }

    private static string Members(Statement statement) => statement.Members.Count == 0 ? string.Empty
        : $" ({(statement.Party.Kind == StatementKind.Tenant ? "workloads" : "loops")}: {Escape(string.Join(", ", statement.Members))})";

    private static string Heading(StatementField field, string currency) => field.Unit == StatementUnit.Money ? $"{field.Label} ({currency})" : field.Label;

    private static string Value(StatementField field)
    {
        if (field.Unit == StatementUnit.Text)
        {
            return field.Text ?? "–";
        }

        if (field.Number is not { } v)
        {
            return "–";
        }

        return field.Unit switch
        {
            StatementUnit.Money => Math.Round(v, 2, MidpointRounding.AwayFromZero).ToString("#,##0.00", Inv),
            StatementUnit.Kwh => v.ToString("#,##0.0##", Inv),
            StatementUnit.Percent or StatementUnit.Celsius => v.ToString("0.0", Inv),
            StatementUnit.Count or StatementUnit.Seconds => v.ToString("#,##0", Inv),
            _ => v.ToString("#,##0.##", Inv),
        };
    }

    private static string Coverage(StatementLine line) => (100 * line.CoveredSeconds / line.Seconds).ToString("0.#", Inv) + " %";

    private static string Marks(StatementLine line)
    {
        var marks = new List<string>();
        if (line.Estimated)
        {
            marks.Add("estimated");
        }

        if (line.Flags.Count > 0)
        {
            marks.Add("flags");
        }

        if (line.Partial)
        {
            marks.Add("partial");
        }

        if (line.Open)
        {
            marks.Add("open");
        }

        return string.Join(", ", marks);
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
