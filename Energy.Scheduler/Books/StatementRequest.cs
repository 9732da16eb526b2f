using System.Globalization;

namespace Energy.Scheduler.Books;

/// <summary>A statement to make: for whom, over which local days (inclusive, in the site's time zone), in which format.</summary>
public sealed record StatementRequest(StatementParty Party, DateOnly From, DateOnly To, StatementFormat Format)
{
    /// <summary>The longest window: a leap year.</summary>
    public const int MaxDays = 366;

    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The request, or the first thing wrong with the arguments in the words of <paramref name="names"/>.</summary>
    public static (StatementRequest? Request, string? Error) Parse(StatementArguments arguments, StatementArgumentNames names)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(names);
        var (from, fromError) = Day(arguments.From, names.From);
        var (to, toError) = Day(arguments.To, names.To);
        if ((fromError ?? toError) is { } dayError)
        {
            return (null, dayError);
        }

        if (to < from)
        {
            return (null, $"{names.To} {Iso(to)} is before {names.From} {Iso(from)}; the window is from the first local day to the last, inclusive");
        }

        var days = to.DayNumber - from.DayNumber + 1;
        if (days > MaxDays)
        {
            return (null, $"{names.From} {Iso(from)} to {names.To} {Iso(to)} is {days} days; a statement covers at most {MaxDays}");
        }

        var (party, partyError) = ParseParty(arguments, names);
        if (party is null)
        {
            return (null, partyError);
        }

        var (format, formatError) = ParseFormat(arguments.Format, names.Format);
        return formatError is null ? (new StatementRequest(party, from, to, format), null) : (null, formatError);
    }

    /// <summary>yyyy-MM-dd, the form every statement date takes.</summary>
    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static (DateOnly Day, string? Error) Day(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (default, $"{name}: give a local date yyyy-MM-dd (the site's time zone)");
        }

        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? (day, null)
            : (default, $"{name}: expected a local date yyyy-MM-dd, got '{Shown(text)}'");
    }

    private static (StatementParty? Party, string? Error) ParseParty(StatementArguments arguments, StatementArgumentNames names)
    {
        var given = new List<string>();
        if (arguments.Tenant is not null)
        {
            given.Add(names.Tenant);
        }

        if (arguments.HeatBuyer is not null)
        {
            given.Add(names.HeatBuyer);
        }

        if (arguments.Facility)
        {
            given.Add(names.Facility);
        }

        var choice = $"{names.Tenant} NAME, {names.HeatBuyer} NAME or {names.Facility}";
        if (given.Count != 1)
        {
            return (null, given.Count == 0
                ? $"say whose statement: {choice}"
                : $"give one party only, {choice}; got {string.Join(" and ", given)}");
        }

        if (arguments.Tenant is { } tenant)
        {
            return string.IsNullOrWhiteSpace(tenant) ? (null, $"{names.Tenant}: give the tenant's name") : (StatementParty.Tenant(tenant.Trim()), null);
        }

        if (arguments.HeatBuyer is { } buyer)
        {
            return string.IsNullOrWhiteSpace(buyer) ? (null, $"{names.HeatBuyer}: give the heat buyer's name") : (StatementParty.HeatBuyer(buyer.Trim()), null);
        }

        return (StatementParty.Facility, null);
    }

    private static (StatementFormat Format, string? Error) ParseFormat(string? text, string name) => text?.Trim().ToUpperInvariant() switch
    {
        null or "" or "JSON" => (StatementFormat.Json, null),
        "CSV" => (StatementFormat.Csv, null),
        "MD" or "MARKDOWN" => (StatementFormat.Md, null),
        _ => (default, $"{name}: expected csv, json or md, got '{Shown(text!)}'"),
    };

    private static string Shown(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
