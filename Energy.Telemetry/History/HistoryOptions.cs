namespace Energy.Telemetry.History;

/// <summary>
/// Where telemetry history goes: InfluxDB 2.x (or VictoriaMetrics, which takes its write API) at <see cref="Url"/>,
/// through the disk spool. Bound from the section <c>History</c> of appsettings.json; <c>--influx</c> and its
/// companions override it. The token is never configured here: it is read from the environment variable
/// <see cref="TokenVariable"/> names, and may be missing (VictoriaMetrics needs none).
/// </summary>
public sealed class HistoryOptions
{
    public const string Section = "History";
    public const string DefaultTokenVariable = "HEATGRID_INFLUX_TOKEN";
    public const string SpoolFolderName = "history-spool";
    public const long DefaultSpoolLimitBytes = 512L * 1024 * 1024;

    /// <summary>The database, e.g. http://influx.site.example:8086; null: no history database (the embedded store).</summary>
    public string? Url { get; set; }

    public string Org { get; set; } = "heatgrid";

    public string Bucket { get; set; } = "heatgrid";

    /// <summary>The environment variable holding the API token (kept off the command line and out of files).</summary>
    public string TokenVariable { get; set; } = DefaultTokenVariable;

    /// <summary>The spool's folder; default <c>DATA/history-spool</c>.</summary>
    public string? SpoolFolder { get; set; }

    /// <summary>The most the spool may hold on disk; beyond it the oldest unsent points are dropped (counted, logged, alarmed).</summary>
    public long SpoolLimitBytes { get; set; } = DefaultSpoolLimitBytes;

    /// <summary>Points that may wait in memory for the spool writer; beyond it new points are rejected and counted.</summary>
    public int QueueCapacity { get; set; } = 200_000;

    /// <summary>The most points in one spooled batch and in one write to the database.</summary>
    public int MaxBatchPoints { get; set; } = 5_000;

    /// <summary>How long one write to the database may take before it counts as failed (and is retried).</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between retries while the database fails (backoff doubles from 1 s up to it).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    public string SpoolFolderIn(string dataFolder) => SpoolFolder ?? Path.Combine(dataFolder, SpoolFolderName);

    /// <summary>What is wrong with these options, one line each; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{Section}:Url (--influx) must be an http:// or https:// URL such as http://127.0.0.1:8086, not '{Url}'");
        }

        if (string.IsNullOrWhiteSpace(Org))
        {
            problems.Add($"{Section}:Org (--influx-org) must not be empty");
        }

        if (string.IsNullOrWhiteSpace(Bucket))
        {
            problems.Add($"{Section}:Bucket (--influx-bucket) must not be empty");
        }

        if (string.IsNullOrWhiteSpace(TokenVariable))
        {
            problems.Add($"{Section}:TokenVariable (--influx-token-env) must name an environment variable");
        }

        if (SpoolLimitBytes < 1024 * 1024)
        {
            problems.Add($"{Section}:SpoolLimitBytes must be at least 1 MB (1048576), not {SpoolLimitBytes}");
        }

        if (QueueCapacity < 1000 || MaxBatchPoints < 1)
        {
            problems.Add($"{Section}:QueueCapacity must be at least 1000 and MaxBatchPoints at least 1");
        }

        if (WriteTimeout <= TimeSpan.Zero || MaxBackoff < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{Section}:WriteTimeout must be positive and MaxBackoff at least 1 s");
        }

        return problems;
    }
}
