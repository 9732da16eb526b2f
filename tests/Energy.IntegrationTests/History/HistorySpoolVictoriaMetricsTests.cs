using System.Diagnostics;
using System.Text.Json;
using Energy.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Energy.IntegrationTests.History;

/// <summary>
/// <c>heatgrid run --influx</c> against a real VictoriaMetrics through a database outage and a SIGKILL: every
/// whole second of the site-import series is in the database exactly once, except the seconds no HeatGrid ran.
/// </summary>
[Collection(DemoPorts.Name)]
public sealed class HistorySpoolVictoriaMetricsTests(ITestOutputHelper output) : IDisposable
{
    private const string Series = "grid_import_kw";
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-history-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [RequiresVictoriaMetricsFact]
    public async Task Run_DatabaseOutageAndSigkill_EverySecondOfSiteImportWrittenExactlyOnce()
    {
        await using var database = await VictoriaMetricsServer.StartAsync();
        var port = FreePort.Next();
        var first = Start(database, port);
        var diagnostics = () => $"heatgrid:\n{Tail(first.Output)}\nvictoria-metrics:\n{database.Log}";
        try
        {
            await WaitForStatusAsync(first, port);
            await Task.Delay(TimeSpan.FromSeconds(40));

            // 60 s without the database: the points wait in the spool.
            var outageFrom = DateTimeOffset.UtcNow;
            await database.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(58));
            var history = await HistoryAsync(port);
            Assert.True(history.GetProperty("lastError").ValueKind == JsonValueKind.String, "no write failure seen while the database was down: " + history);
            Assert.True(history.GetProperty("pendingPoints").GetInt64() > 0, "nothing waits in the spool while the database is down: " + history);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await database.StartAgainAsync();
            var outageUntil = DateTimeOffset.UtcNow;

            // 20 s later a crash: what the killed process had not sent stays in its spool.
            await Task.Delay(TimeSpan.FromSeconds(20));
            first.Signal("KILL");
            var killedAt = DateTimeOffset.UtcNow;
            Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(10)), "did not die of SIGKILL");

            var secondPort = FreePort.Next();
            using var second = Start(database, secondPort);
            diagnostics = () => $"killed heatgrid:\n{Tail(first.Output)}\nrestarted heatgrid:\n{Tail(second.Output)}\nvictoria-metrics:\n{database.Log}";
            await WaitForStatusAsync(second, secondPort);
            await Task.Delay(TimeSpan.FromSeconds(20));
            await WaitForDrainedAsync(secondPort, diagnostics);
            second.Signal("TERM");
            Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(10)), "did not stop within 10 s of SIGTERM:\n" + diagnostics());
            Assert.Equal(0, second.ExitCode);

            var samples = await StableExportAsync(database);
            output.WriteLine(Check(samples, outageFrom, outageUntil, killedAt, diagnostics));
            Assert.DoesNotContain(" fail:", second.Output, StringComparison.Ordinal);
        }
        finally
        {
            first.Dispose();
        }
    }

    /// <summary>No duplicate; every second from the first to the last point present, except from the kill's second to the restarted process's first tick.</summary>
    private static string Check(List<(long TimestampMs, double Value)> samples, DateTimeOffset outageFrom, DateTimeOffset outageUntil, DateTimeOffset killedAt,
        Func<string> diagnostics)
    {
        Assert.True(samples.Count > 100, $"only {samples.Count} points of {Series}:\n{diagnostics()}");
        var seconds = samples.Select(s => s.TimestampMs).ToList();
        Assert.All(seconds, ms => Assert.Equal(0, ms % 1000));
        var duplicates = seconds.GroupBy(ms => ms).Where(g => g.Count() > 1).Select(g => DateTimeOffset.FromUnixTimeMilliseconds(g.Key)).ToList();
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} seconds written more than once, first {duplicates.FirstOrDefault():O}");

        var present = seconds.Select(ms => ms / 1000).ToHashSet();
        var killSecond = killedAt.ToUnixTimeSeconds();
        var restartedFirst = present.Where(s => s * 1000 > killedAt.ToUnixTimeMilliseconds()).Min();
        Assert.InRange(restartedFirst - killSecond, 1, 30);
        var missing = new List<long>();
        for (var s = present.Min(); s <= present.Max(); s++)
        {
            if (!present.Contains(s) && (s < killSecond || s >= restartedFirst))
            {
                missing.Add(s);
            }
        }

        Assert.True(missing.Count == 0,
            $"{missing.Count} seconds lost while a HeatGrid ran (e.g. {string.Join(", ", missing.Take(10).Select(s => DateTimeOffset.FromUnixTimeSeconds(s).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)))}); "
            + $"outage {outageFrom:HH:mm:ss}–{outageUntil:HH:mm:ss}, kill {killedAt:HH:mm:ss.fff}:\n{diagnostics()}");

        // The outage itself is covered by points the spool sent afterwards (bypassing the spool would leave these 60 s empty).
        var during = present.Count(s => s > outageFrom.ToUnixTimeSeconds() && s < outageUntil.ToUnixTimeSeconds());
        Assert.True(during >= 55, $"only {during} points from the database's outage");
        Assert.True(present.Min() < outageFrom.ToUnixTimeSeconds() - 30 && present.Max() > restartedFirst + 15, "the series does not span the run");
        return $"{samples.Count} points over {present.Max() - present.Min() + 1} s, 0 duplicates, 0 lost; {during} from the database's outage; "
            + $"{restartedFirst - killSecond} s without a HeatGrid from the kill to the restarted process's first tick";
    }

    private HeatGridProcess Start(VictoriaMetricsServer database, int port) => HeatGridProcess.Start(
        "run", "--influx", database.Url, "--influx-org", "x", "--influx-bucket", "heatgrid", "--data", _data, "--http", $"127.0.0.1:{port}");

    private async Task WaitForStatusAsync(HeatGridProcess heatgrid, int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Assert.False(heatgrid.HasExited, "heatgrid exited:\n" + heatgrid.Output);
            try
            {
                using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/status"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        Assert.Fail("no status within 30 s:\n" + heatgrid.Output);
    }

    private async Task<JsonElement> HistoryAsync(int port)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/history")));
        return document.RootElement.Clone();
    }

    /// <summary>Waits until the restarted process sent everything (what the killed one left included): nothing waits longer than 2 s.</summary>
    private async Task WaitForDrainedAsync(int port, Func<string> diagnostics)
    {
        var clock = Stopwatch.StartNew();
        JsonElement history;
        while ((history = await HistoryAsync(port)).GetProperty("lagSeconds").GetDouble() > 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), "the spool did not drain within 45 s: " + history + "\n" + diagnostics());
            await Task.Delay(500);
        }
    }

    /// <summary>The series once two reads a second apart agree (what was just written has become readable).</summary>
    private static async Task<List<(long TimestampMs, double Value)>> StableExportAsync(VictoriaMetricsServer database)
    {
        var last = await database.ExportAsync(Series);
        for (var i = 0; i < 10; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var now = await database.ExportAsync(Series);
            if (now.Count == last.Count)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    private static string Tail(string output) => output.Length > 8000 ? "…" + output[^8000..] : output;
}
