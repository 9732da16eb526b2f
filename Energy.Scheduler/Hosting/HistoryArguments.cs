using Energy.Telemetry.History;
using Microsoft.Extensions.Configuration;

namespace Energy.Scheduler.Hosting;

/// <summary>
/// <c>--influx URL</c> and its companions as given on the command line (null: not given). They override the
/// section <c>History</c> of appsettings.json (or environment variables such as <c>History__Url</c>).
/// </summary>
public sealed record HistoryArguments(string? Url, string? Org = null, string? Bucket = null, string? TokenVariable = null)
{
    /// <summary>The history options in force, or null when no database URL is given anywhere (the embedded store).</summary>
    public static HistoryOptions? Resolve(HistoryArguments? given, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new HistoryOptions();
        configuration.GetSection(HistoryOptions.Section).Bind(options);
        if (given is not null)
        {
            options.Url = given.Url ?? options.Url;
            options.Org = given.Org ?? options.Org;
            options.Bucket = given.Bucket ?? options.Bucket;
            options.TokenVariable = given.TokenVariable ?? options.TokenVariable;
        }

        return string.IsNullOrWhiteSpace(options.Url) ? null : options;
    }
}
