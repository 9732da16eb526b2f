using Energy.Contracts.Configuration;
using Energy.Contracts.Sites;
using Energy.Telemetry.Prices;

namespace Energy.Scheduler.Cli;

/// <summary>What the long-running verbs read before anything starts: the site file and a price file, with every problem printed.</summary>
internal static class CliInputs
{
    /// <summary>The site, or null after printing every error as FILE:LINE:COLUMN.</summary>
    public static async Task<Site?> SiteOrErrorsAsync(SiteFileResult loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (loaded.IsValid)
        {
            return loaded.Site!;
        }

        foreach (var error in loaded.Errors)
        {
            await Console.Error.WriteLineAsync(error.ToString());
        }

        return null;
    }

    /// <summary>
    /// Reads a price file given on the command line, which must be right before anything starts: false
    /// after printing its problems, or when its currency is not the site's. Checked as any live import
    /// (<see cref="PriceImportRules.ForFiles"/>): within the site's clearing-price limits, nothing beyond
    /// tomorrow market time, at most a few years of quarter-hours; history of any age is fine.
    /// </summary>
    public static async Task<(bool Usable, PriceImportResult? Prices)> PricesAsync(string? file, Site site, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (file is null)
        {
            return (true, null);
        }

        var now = (time ?? TimeProvider.System).GetUtcNow();
        var prices = PriceFileImporter.Read(file, PriceImportRules.ForFiles(site.PriceLimits, site.TimeZone, now));
        foreach (var issue in prices.Issues)
        {
            await Console.Error.WriteLineAsync(issue.ToString());
        }

        if (prices.Succeeded && prices.History.Currency == site.Currency)
        {
            return (true, prices);
        }

        await Console.Error.WriteLineAsync(prices.Succeeded
            ? $"--prices: the file's prices are in {prices.History.Currency}, the site's currency is {site.Currency}; convert them first"
            : $"--prices: {file} cannot be used; nothing was started.");
        return (false, null);
    }
}
