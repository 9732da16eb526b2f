using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;

namespace Energy.Telemetry.History;

/// <summary>
/// Writes to InfluxDB 2.x (or VictoriaMetrics' <c>/api/v2/write</c>) with InfluxDB.Client's async write API: one
/// HTTP request per call, which returns after the 204 or throws. Not its batching <c>WriteApi</c>, which keeps
/// points only in memory and drops them after its retries in a long outage (influxdata/influxdb-client-csharp
/// #133, #216, #623): retries and durability are the spool's.
/// </summary>
public sealed class InfluxHistoryWriter : IHistoryWriter, IDisposable
{
    private readonly InfluxDBClient _client;
    private readonly WriteApiAsync _api;
    private readonly string _org;
    private readonly string _bucket;

    /// <param name="token">The API token (from the environment), or null for a database that needs none (VictoriaMetrics).</param>
    /// <param name="http">An HttpClient to send with (tests); default the client's own.</param>
    public InfluxHistoryWriter(HistoryOptions options, string? token, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Url);
        _org = options.Org;
        _bucket = options.Bucket;
        var builder = new InfluxDBClientOptions.Builder().Url(options.Url).Org(_org).Bucket(_bucket).TimeOut(options.WriteTimeout);
        if (!string.IsNullOrEmpty(token))
        {
            builder.AuthenticateToken(token);
        }

        if (http is not null)
        {
            builder.SetHttpClient(http);
        }

        _client = new InfluxDBClient(builder.Build());
        _api = _client.GetWriteApiAsync();
        Target = $"{options.Url} (org {_org}, bucket {_bucket})";
    }

    public string Target { get; }

    public async Task WriteAsync(IReadOnlyList<string> lineProtocol, CancellationToken cancellationToken)
    {
        try
        {
            await _api.WriteRecordsAsync(lineProtocol, WritePrecision.Ms, _bucket, _org, cancellationToken);
        }
        catch (HttpException e) when (e.Status is 400 or 413 or 422)
        {
            throw new HistoryWriteRefusedException($"HTTP {e.Status}: {e.Message}", e);
        }
    }

    public void Dispose() => _client.Dispose();
}
