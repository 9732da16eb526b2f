using System.CommandLine;
using Energy.Scheduler.Hosting;
using Energy.Telemetry.History;

namespace Energy.Scheduler.Cli;

/// <summary><c>--influx URL</c>, <c>--influx-org</c>, <c>--influx-bucket</c>, <c>--influx-token-env</c> of <c>heatgrid run</c> and <c>heatgrid controller</c>.</summary>
internal sealed class InfluxCliOptions
{
    public Option<string?> Url { get; } = new("--influx") { Description = "Write telemetry history to InfluxDB 2.x (or VictoriaMetrics) at this URL, e.g. http://127.0.0.1:8086, through a disk spool under the data folder (nothing lost in outages or restarts). Default: the embedded line-protocol store." };

    public Option<string?> Org { get; } = new("--influx-org") { Description = "InfluxDB organization (default heatgrid; VictoriaMetrics ignores it)." };

    public Option<string?> Bucket { get; } = new("--influx-bucket") { Description = "InfluxDB bucket (default heatgrid)." };

    public Option<string?> TokenVariable { get; } = new("--influx-token-env") { Description = $"Environment variable holding the InfluxDB API token (default {HistoryOptions.DefaultTokenVariable}; unset is fine for VictoriaMetrics, which needs none)." };

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(Org);
        command.Options.Add(Bucket);
        command.Options.Add(TokenVariable);
    }

    /// <summary>What was given; null when none of them was. An error (printed) when a companion comes without --influx or the URL is not one.</summary>
    public (HistoryArguments? Arguments, string? Error) Read(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var url = result.GetValue(Url);
        var org = result.GetValue(Org);
        var bucket = result.GetValue(Bucket);
        var token = result.GetValue(TokenVariable);
        if (url is null)
        {
            return org is null && bucket is null && token is null ? (null, null) : (null, "--influx-org, --influx-bucket and --influx-token-env need --influx URL");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return (null, $"--influx: expected an http:// or https:// URL such as http://127.0.0.1:8086, got '{url}'");
        }

        return (new HistoryArguments(url, org, bucket, token), null);
    }
}
