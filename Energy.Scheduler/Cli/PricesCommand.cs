using System.CommandLine;
using System.Globalization;
using Energy.Telemetry.Prices;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli;

/// <summary>
/// <c>heatgrid prices show|clear [--data FOLDER]</c>: what the last good price store holds (range, slots,
/// lowest and highest price, latest publication), and removing it after a bad import. Stop the service
/// first: a running one writes the prices it holds again at its next import.
/// </summary>
internal static class PricesCommand
{
    public static Command Create()
    {
        var command = new Command("prices", "Show or clear the last good day-ahead prices kept in the data folder.");
        command.Subcommands.Add(Verb("show", "Print what DATA/prices/last-good.csv holds: range, slots, min/max, publication time.", Show));
        command.Subcommands.Add(Verb("clear", "Remove DATA/prices/last-good.csv (a bad import); the next start reads only --prices and MQTT.", Clear));
        return command;
    }

    public static int Show(string data, TextWriter stdout, TextWriter stderr)
    {
        var store = Store(data);
        if (store.Inspect() is not { } result)
        {
            stdout.WriteLine($"{store.FilePath}: no last good prices");
            return 0;
        }

        foreach (var issue in result.Issues)
        {
            stderr.WriteLine(issue);
        }

        var history = result.History;
        if (!result.Succeeded)
        {
            stderr.WriteLine($"{store.FilePath}: refused on read ({result.Errors.Count} errors); a start would set it aside. 'heatgrid prices clear' removes it.");
            return 1;
        }

        if (history.IsEmpty)
        {
            stdout.WriteLine($"{store.FilePath}: no slots");
            return 0;
        }

        var prices = history.Slots.Select(s => s.Price.PerMegawattHour).ToList();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{store.FilePath}: {history.Count} slots of {(int)history.SlotLength.TotalMinutes} minutes, {Instant(history.First!.Value)} to {Instant(history.End!.Value)}, {history.Gaps.Count} gaps"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"prices {prices.Min():0.##} to {prices.Max():0.##} {history.Currency.Code}/MWh; published {(history.LastPublished is { } at ? Instant(at) : "unknown")} (latest)"));
        return 0;
    }

    public static int Clear(string data, TextWriter stdout, TextWriter stderr)
    {
        var store = Store(data);
        try
        {
            var removed = store.Clear();
            stdout.WriteLine(removed.Count == 0
                ? $"{store.FilePath}: nothing to clear"
                : $"cleared the last good prices: removed {string.Join(", ", removed)}");
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{store.FilePath}: cannot remove it: {e.Message}");
            return 1;
        }
    }

    private static Command Verb(string name, string description, Func<string, TextWriter, TextWriter, int> run)
    {
        var data = new Option<string>("--data") { Description = "Data folder of the service.", DefaultValueFactory = _ => RunCommand.DefaultData };
        var verb = new Command(name, description) { data };
        verb.SetAction(result => run(Path.GetFullPath(result.GetRequiredValue(data)), Console.Out, Console.Error));
        return verb;
    }

    private static LastGoodPriceStore Store(string data) =>
        new(data, TimeProvider.System, NullLogger<LastGoodPriceStore>.Instance);

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
}
