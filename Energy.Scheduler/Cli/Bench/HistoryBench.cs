using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Energy.Telemetry.History;
using Energy.Telemetry.Storage;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// <c>heatgrid bench history</c>: the same generated points written to InfluxDB or VictoriaMetrics (a) with
/// InfluxDB.Client's async write API alone, in batches, as the baseline, and (b) through the history's path —
/// <see cref="ITimeSeriesStore.TryWrite"/>, the fsync'd disk spool, the sender — until the database acknowledged all.
/// Prints both rates, their ratio and the spool's disk use.
/// </summary>
internal static class HistoryBench
{
    private const int BatchPoints = 5_000;

    public static Command Create()
    {
        var influx = new Option<string>("--influx") { Description = "The database, e.g. http://127.0.0.1:8428 (VictoriaMetrics) or an InfluxDB 2.x URL.", Required = true };
        var org = new Option<string>("--influx-org") { Description = "Organization.", DefaultValueFactory = _ => "heatgrid" };
        var bucket = new Option<string>("--influx-bucket") { Description = "Bucket.", DefaultValueFactory = _ => "heatgrid-bench" };
        var tokenVariable = new Option<string>("--influx-token-env") { Description = "Environment variable with the token (unset: none).", DefaultValueFactory = _ => HistoryOptions.DefaultTokenVariable };
        var points = new Option<int>("--points") { Description = "Points per run (each run writes the same points).", DefaultValueFactory = _ => 1_000_000 };
        var seconds = new Option<int>("--seconds") { Description = "Seconds the points span at 1-s resolution; series = points / seconds.", DefaultValueFactory = _ => 600 };
        var json = new Option<bool>("--json") { Description = "Also print one JSON line of the figures." };
        var command = new Command("history", "Points/s to InfluxDB/VictoriaMetrics through the disk spool vs the client alone, and the spool's disk use.")
        {
            influx, org, bucket, tokenVariable, points, seconds, json,
        };
        command.SetAction((r, ct) => RunAsync(new HistoryOptions
        {
            Url = r.GetRequiredValue(influx), Org = r.GetRequiredValue(org), Bucket = r.GetRequiredValue(bucket), TokenVariable = r.GetRequiredValue(tokenVariable),
            MaxBatchPoints = BatchPoints, QueueCapacity = 200_000, SpoolLimitBytes = 8L * 1024 * 1024 * 1024,
        }, Math.Max(BatchPoints, r.GetValue(points)), Math.Max(1, r.GetValue(seconds)), r.GetValue(json), ct));
        return command;
    }

    /// <summary>Point <paramref name="k"/> of the run: series k mod S (a GPU's power), second k / S after <paramref name="origin"/>.</summary>
    private static TimeSeriesPoint Point(int k, KeyValuePair<string, string>[][] tags, DateTimeOffset origin) =>
        new("gpu", tags[k % tags.Length], "power_w", 250 + ((k * 7) % 150) + 0.5, origin.AddSeconds(k / tags.Length));

    private static async Task<int> RunAsync(HistoryOptions options, int count, int seconds, bool json, CancellationToken ct)
    {
        if (options.Problems() is { Count: > 0 } problems)
        {
            await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, problems));
            return 2;
        }

        var series = Math.Max(1, count / seconds);
        // The points end a minute before now: a database drops points outside its retention (VictoriaMetrics: a month) without an error.
        var origin = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() - seconds - 60);
        var tags = Enumerable.Range(0, series).Select(i => new KeyValuePair<string, string>[]
        {
            new("site", "bench"), new("gpu", $"gpu-{i:D5}"), new("node", $"node-{i / 8:D4}"), new("pool", $"pool-{i % 4}"),
        }).ToArray();
        var token = Environment.GetEnvironmentVariable(options.TokenVariable);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"history bench: {count:N0} points ({series} series at 1 s over {seconds} s), batches of {BatchPoints}, to {options.Url}; {Environment.ProcessorCount} cores"));

        double clientRate;
        try
        {
            clientRate = await ClientAloneAsync(options, token, count, tags, origin, ct);
        }
        catch (Exception e) when (e is HttpRequestException or InfluxDB.Client.Core.Exceptions.InfluxException)
        {
            await Console.Error.WriteLineAsync($"{options.Url}: {e.Message}");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  client alone (WriteApiAsync):  {clientRate,12:N0} points/s"));
        var spool = await ThroughSpoolAsync(options, token, count, tags, origin, ct);
        var ratio = spool.Rate / clientRate;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  through the spool:             {spool.Rate,12:N0} points/s (appended to the spool at {spool.AppendRate:N0} points/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ratio spool / client:          {ratio,12:0.00}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  spool disk use:                {spool.BytesPerPoint,12:0.0} bytes/point, peak {spool.PeakBytes / 1e6:0.0} MB; {spool.Dropped} dropped, {spool.Rejected} rejected"));
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                bench = "history", points = count, series, cores = Environment.ProcessorCount,
                clientPointsPerSecond = Math.Round(clientRate), spoolPointsPerSecond = Math.Round(spool.Rate), spoolAppendPointsPerSecond = Math.Round(spool.AppendRate),
                ratio = Math.Round(ratio, 3), spoolBytesPerPoint = Math.Round(spool.BytesPerPoint, 1), spoolPeakBytes = spool.PeakBytes,
                dropped = spool.Dropped, rejected = spool.Rejected,
            }));
        }

        return spool.Dropped == 0 && spool.Rejected == 0 ? 0 : 1;
    }

    private static async Task<double> ClientAloneAsync(HistoryOptions options, string? token, int count, KeyValuePair<string, string>[][] tags, DateTimeOffset origin, CancellationToken ct)
    {
        var builder = new InfluxDBClientOptions.Builder().Url(options.Url).Org(options.Org).Bucket(options.Bucket).TimeOut(options.WriteTimeout);
        if (!string.IsNullOrEmpty(token))
        {
            builder.AuthenticateToken(token);
        }

        using var client = new InfluxDBClient(builder.Build());
        var api = client.GetWriteApiAsync();
        var lines = new StringBuilder();
        var clock = Stopwatch.StartNew();
        for (var k = 0; k < count;)
        {
            lines.Clear();
            for (var end = Math.Min(count, k + BatchPoints); k < end; k++)
            {
                LineProtocol.Append(lines, Point(k, tags, origin), inMilliseconds: true);
            }

            await api.WriteRecordsAsync([lines.ToString(0, lines.Length - 1)], WritePrecision.Ms, options.Bucket, options.Org, ct);
        }

        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<SpoolRun> ThroughSpoolAsync(HistoryOptions options, string? token, int count, KeyValuePair<string, string>[][] tags, DateTimeOffset origin, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("heatgrid-bench-spool-").FullName;
        try
        {
            var time = TimeProvider.System;
            var spool = new HistorySpool(folder, options.SpoolLimitBytes, time, NullLogger.Instance);
            using var store = new SpooledTimeSeriesStore(spool, new InfluxHistoryWriter(options, token), options, time, NullLogger<SpooledTimeSeriesStore>.Instance);
            await store.StartAsync(ct);
            var chunk = new List<TimeSeriesPoint>(1000);
            var clock = Stopwatch.StartNew();
            for (var k = 0; k < count;)
            {
                // The bench offers points as fast as the queue takes them; the control loop offers a few thousand a second.
                while (store.Status().Queued > options.QueueCapacity - 1000)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(1), time, ct);
                }

                chunk.Clear();
                for (var end = Math.Min(count, k + 1000); k < end; k++)
                {
                    chunk.Add(Point(k, tags, origin));
                }

                store.TryWrite(chunk);
            }

            await store.FlushAsync(ct);
            var appended = clock.Elapsed;
            while (spool.AcknowledgedPoints < count && store.Status() is { DroppedPoints: 0, RefusedPoints: 0 })
            {
                await Task.Delay(TimeSpan.FromMilliseconds(2), time, ct);
            }

            var sent = clock.Elapsed;
            var status = store.Status();
            await store.StopAsync(ct);
            return new SpoolRun(count / sent.TotalSeconds, count / appended.TotalSeconds, spool.AppendedBytes / (double)count, spool.PeakDiskBytes,
                status.DroppedPoints + status.RefusedPoints, status.Rejected);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record SpoolRun(double Rate, double AppendRate, double BytesPerPoint, long PeakBytes, long Dropped, long Rejected);
}
