using Energy.Contracts.Configuration;
using Energy.Contracts.Sites;
using Energy.Telemetry.Mqtt;
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

    /// <summary>
    /// <c>--site</c> of a verb that reads the shared database (<c>--ha</c>): the site's name, or a site file whose name is
    /// taken; null with why in <paramref name="error"/>, ready to print after the verb's name.
    /// </summary>
    private static string? SharedSiteOrError(string? site, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(site))
        {
            error = "--ha needs --site NAME (the site's name, as its controllers run it)";
            return null;
        }

        if (!File.Exists(site))
        {
            return site;
        }

        var loaded = Energy.Contracts.Configuration.SiteFile.Load(site);
        if (!loaded.IsValid)
        {
            error = $"--site {site}: {string.Join("; ", loaded.Errors)}";
            return null;
        }

        return loaded.Site!.Name;
    }

    /// <summary>
    /// <c>--ha URI</c> read for any verb: the password from <paramref name="passwordFile"/> (<c>--ha-password-file</c>), else
    /// <see cref="Ha.HaOptions.PasswordVariable"/>; null with what is wrong in <paramref name="error"/>, ready to print.
    /// </summary>
    public static Ha.HaOptions? HaOptionsOrError(string uri, string? passwordFile, out string? error, Func<string, string?>? environment = null)
    {
        string? password;
        if (passwordFile is not null)
        {
            (password, var fileError) = ReadPasswordFile(passwordFile);
            if (fileError is not null)
            {
                error = $"--ha-password-file: {fileError}";
                return null;
            }
        }
        else
        {
            password = (environment ?? Environment.GetEnvironmentVariable)(Ha.HaOptions.PasswordVariable);
        }

        return Ha.HaOptions.TryParse(uri, password, out var options, out error) ? options : null;
    }

    /// <summary>
    /// <c>--ha URI --site NAME [--ha-password-file F]</c> of a verb that reads a site's shared books: the site's database,
    /// not yet connected (the caller disposes it); null with what is wrong in <paramref name="error"/>, ready to print after
    /// the verb's name.
    /// </summary>
    public static Ha.HaDatabase? SharedDatabaseOrError(string uri, string? site, string? passwordFile, out string? error,
        Func<string, string?>? environment = null)
    {
        if (SharedSiteOrError(site, out error) is not { } name
            || HaOptionsOrError(uri, passwordFile, out error, environment) is not { } options)
        {
            return null;
        }

        return new Ha.HaDatabase(options, name);
    }

    /// <summary>The shared database reached and its schema migrated (within 15 s); null with the error, ready to print.</summary>
    public static async Task<(Ha.HaDatabase? Database, string? Error)> MigratedHaDatabaseAsync(Ha.HaOptions options, string site,
        Microsoft.Extensions.Logging.ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var database = new Ha.HaDatabase(options, site);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            await database.MigrateAsync(logger, timeout.Token);
            return (database, null);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or Ha.HaDatabaseException or OperationCanceledException or TimeoutException)
        {
            await database.DisposeAsync();
            return (null, $"--ha: {options.Shown} cannot be used: {e.Message}");
        }
    }

    /// <summary>The environment variable that may hold the MQTT password, so that it stays out of <c>ps</c>.</summary>
    public const string PasswordVariable = "HEATGRID_MQTT_PASSWORD";

    /// <summary>
    /// The broker of <c>--mqtt</c> with its password from, in this order, <c>--mqtt-password-file</c>, the
    /// <see cref="PasswordVariable"/> environment variable, or the URI (visible to every user of the host in
    /// <c>ps</c>). A password in the URI beside one of the others is refused: which one is meant cannot be told.
    /// Null after printing what is wrong.
    /// </summary>
    public static async Task<MqttBrokerOptions?> BrokerAsync(string uri, string? passwordFile, string clientId = "heatgrid",
        Func<string, string?>? environment = null, TextWriter? stderr = null)
    {
        stderr ??= Console.Error;
        if (!MqttBrokerOptions.TryParse(uri, clientId, out var broker, out var error))
        {
            await stderr.WriteLineAsync($"--mqtt: {error}");
            return null;
        }

        var fromEnvironment = (environment ?? Environment.GetEnvironmentVariable)(PasswordVariable);
        string? password;
        string source;
        if (passwordFile is not null)
        {
            (password, error) = ReadPasswordFile(passwordFile);
            source = "--mqtt-password-file " + passwordFile;
        }
        else if (!string.IsNullOrEmpty(fromEnvironment))
        {
            (password, error) = (fromEnvironment, null);
            source = "the environment variable " + PasswordVariable;
        }
        else
        {
            return broker;
        }

        if (error is not null)
        {
            await stderr.WriteLineAsync($"--mqtt-password-file: {error}");
            return null;
        }

        if (broker.Password is not null)
        {
            await stderr.WriteLineAsync($"--mqtt: the URI holds a password and {source} gives one too; give it once (not in the URI on a shared host: ps shows it)");
            return null;
        }

        if (passwordFile is not null && !string.IsNullOrEmpty(fromEnvironment))
        {
            await stderr.WriteLineAsync($"--mqtt-password-file {passwordFile} is used; {PasswordVariable} is ignored");
        }

        return broker with { Password = password };
    }

    /// <summary>The file's first line (without its line ending); an error for a missing, empty or unreadable file, or one any user may read.</summary>
    internal static (string? Password, string? Error) ReadPasswordFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (null, $"cannot read {path}: {e.Message}");
        }

        var password = text.Split('\n', 2)[0].TrimEnd('\r');
        if (password.Length == 0)
        {
            return (null, $"{path} is empty; write the password on its first line");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.OtherRead) != 0)
        {
            return (null, $"{path} may be read by any user of this host; chmod o-r {path} (0600 or 0640) first");
        }

        return (password, null);
    }
}
