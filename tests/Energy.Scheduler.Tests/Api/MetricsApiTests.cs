using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Energy.Scheduler.Api;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Api;

/// <summary>
/// <c>GET /metrics</c> from a hosted app once the control loop has published a status: the Prometheus text has the HeatGrid
/// meter's series and their values are what <c>/api/status</c> and <c>/api/signals</c> say (the fake clock stands still, so
/// both read the same status).
/// </summary>
public sealed partial class MetricsApiTests : IAsyncLifetime
{
    private readonly List<string> _data = [];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 2, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly List<WebApplication> _apps = [];
    private HttpClient? _client;

    public async Task InitializeAsync() => _client = (await StartAsync()).GetTestClient();

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        _data.ForEach(d => Directory.Delete(d, recursive: true));
    }

    [Fact]
    public async Task Metrics_AfterAStatus_SiteWorkloadsHeatAndSignalsAsTheApiSaysThem()
    {
        var samples = await ScrapeAsync();
        using var status = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/status", UriKind.Relative)));
        var root = status.RootElement;

        Assert.Equal(root.GetProperty("gridImportKw").GetDouble(), Only(samples, "heatgrid_site_import_kw"), precision: 9);
        Assert.Equal(root.GetProperty("gridImportMeteredKw").GetDouble(), Only(samples, "heatgrid_site_import_metered_kw"), precision: 9);
        Assert.Equal(root.GetProperty("gridImportModelKw").GetDouble(), Only(samples, "heatgrid_site_import_model_kw"), precision: 9);
        Assert.Equal(900, Only(samples, "heatgrid_site_import_cap_kw"));
        Assert.Equal(root.GetProperty("gridImportCapKw").GetDouble(), Only(samples, "heatgrid_site_import_cap_kw"));
        Assert.Equal(root.GetProperty("holdBelowKw").GetDouble(), Only(samples, "heatgrid_site_hold_below_kw"), precision: 9);
        Assert.InRange(Only(samples, "heatgrid_site_import_kw"), 1, 900);

        var workloads = root.GetProperty("workloads").EnumerateArray().ToList();
        Assert.NotEmpty(workloads);
        foreach (var w in workloads)
        {
            var name = w.GetProperty("name").GetString()!;
            Assert.Equal(w.GetProperty("powerKw").GetDouble(), Only(samples, "heatgrid_workload_power_kw", $"workload=\"{name}\""), precision: 9);
            Assert.Equal(w.GetProperty("gpus").GetInt32(), Only(samples, "heatgrid_workload_gpus", $"workload=\"{name}\""));
        }

        var loops = root.GetProperty("heatLoops").EnumerateArray().ToList();
        Assert.NotEmpty(loops);
        foreach (var l in loops)
        {
            var loop = $"loop=\"{l.GetProperty("name").GetString()}\"";
            Assert.Equal(l.GetProperty("deliveredKw").GetDouble(), Only(samples, "heatgrid_heat_delivered_kw", loop), precision: 9);
            Assert.Equal(l.GetProperty("boilerKw").GetDouble(), Only(samples, "heatgrid_heat_boiler_kw", loop), precision: 9);
            Assert.Equal(l.GetProperty("dumpedKw").GetDouble(), Only(samples, "heatgrid_heat_dumped_kw", loop), precision: 9);
        }

        using var signals = JsonDocument.Parse(await _client.GetStringAsync(new Uri("/api/signals", UriKind.Relative)));
        foreach (var quality in new[] { "good", "uncertain", "bad" })
        {
            var count = signals.RootElement.EnumerateArray().Count(s => s.GetProperty("quality").GetString() == quality);
            Assert.Equal(count, Only(samples, "heatgrid_signals", $"quality=\"{quality}\""));
        }

        Assert.True(Only(samples, "heatgrid_signals", "quality=\"good\"") > 0);
    }

    [Fact]
    public async Task Metrics_PlanSolveTimesAsAHistogramInSeconds()
    {
        var samples = await ScrapeAsync();

        // The first plan is made at start-up, before the control loop's first tick.
        var count = Only(samples, "heatgrid_plan_solve_seconds_count", "planner=\"lp\"");
        Assert.True(count >= 1, $"{count} plans timed");
        var sum = Only(samples, "heatgrid_plan_solve_seconds_sum", "planner=\"lp\"");
        Assert.InRange(sum, 1e-6, 60 * count);
        Assert.Equal(count, Only(samples, "heatgrid_plan_solve_seconds_bucket", "le=\"+Inf\""));
        Assert.Contains(samples, s => s.Name == "heatgrid_plan_solve_seconds_bucket" && s.Labels.Contains("le=\"0.01\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_AnotherHostInTheProcess_OnlyThisHostsSeries()
    {
        // A second app's HeatGrid meter is another instance of the same name (a site with another cap); each app exports its own only.
        var other = await StartAsync(TestSites.BathhouseWith("importCapKw: 900", "importCapKw: 700"));
        using var otherClient = other.GetTestClient();

        foreach (var (client, cap) in new[] { (_client!, 900.0), (otherClient, 700.0) })
        {
            var samples = await ScrapeAsync(client);
            Assert.Equal(cap, Only(samples, "heatgrid_site_import_cap_kw"));
            Assert.Single(samples, s => s.Name == "heatgrid_heat_delivered_kw");
            Assert.Single(samples, s => s.Name == "heatgrid_plan_solve_seconds_count");
        }
    }

    [Fact]
    public async Task Metrics_WithAHistoryDatabase_TheSpoolsBacklog()
    {
        Assert.DoesNotContain(await ScrapeAsync(), s => s.Name.StartsWith("heatgrid_history_", StringComparison.Ordinal));

        // A database that refuses connections: nothing is acknowledged, so the backlog only grows between the two reads around the scrape.
        var app = await StartAsync(history: new HistoryArguments("http://127.0.0.1:1", "heatgrid", "heatgrid"));
        using var client = app.GetTestClient();
        var spool = app.Services.GetRequiredService<Telemetry.History.SpooledTimeSeriesStore>().Spool;
        var (pointsBefore, bytesBefore) = (spool.PendingPoints, spool.PendingBytes);
        var samples = await ScrapeAsync(client);
        var (pointsAfter, bytesAfter) = (spool.PendingPoints, spool.PendingBytes);

        Assert.InRange(Only(samples, "heatgrid_history_spool_points"), pointsBefore, pointsAfter);
        Assert.InRange(Only(samples, "heatgrid_history_spool_bytes"), bytesBefore, bytesAfter);
        Assert.True(Only(samples, "heatgrid_history_spool_points") + Only(samples, "heatgrid_history_queued_points") > 0, "the first tick's points are queued or spooled");
    }

    [Fact]
    public async Task Metrics_IsARead_WriteMethodsAreNotServed()
    {
        using var head = await _client!.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(ApiObservability.MetricsPath, UriKind.Relative)));
        using var post = await _client.PostAsync(new Uri(ApiObservability.MetricsPath, UriKind.Relative), new StringContent(""));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    private async Task<WebApplication> StartAsync(Contracts.Sites.Site? site = null, HistoryArguments? history = null)
    {
        var data = Directory.CreateTempSubdirectory("heatgrid-metrics-").FullName;
        _data.Add(data);
        var options = new RunOptions(site ?? TestSites.Bathhouse(), "test", "http://127.0.0.1:0", data, ServeSimulatedDevices: false,
            Gpus: Energy.Gpu.Devices.GpuBackendMode.Simulated) { History = history };
        var app = HeatGridHost.Build(options, _time, b => b.WebHost.UseTestServer());
        _apps.Add(app);
        await app.StartAsync();
        await app.Services.GetRequiredService<StatusBoard>().FirstPublished.WaitAsync(TimeSpan.FromSeconds(30));
        return app;
    }

    private Task<List<Sample>> ScrapeAsync() => ScrapeAsync(_client!);

    /// <summary>The samples of a scrape in the Prometheus text format: <c>name{labels} value</c> lines, comments skipped.</summary>
    private static async Task<List<Sample>> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri(ApiObservability.MetricsPath, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE heatgrid_site_import_kw gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE heatgrid_plan_solve_seconds histogram", text, StringComparison.Ordinal);
        return
        [
            .. text.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l =>
            {
                var m = SampleLine().Match(l);
                Assert.True(m.Success, $"not a sample line: {l}");
                return new Sample(m.Groups["name"].Value, m.Groups["labels"].Value,
                    double.Parse(m.Groups["value"].Value.Replace("+Inf", "Infinity", StringComparison.Ordinal), CultureInfo.InvariantCulture));
            }),
        ];
    }

    private static double Only(List<Sample> samples, string name, string? label = null) =>
        Assert.Single(samples, s => s.Name == name && (label is null || s.Labels.Contains(label, StringComparison.Ordinal))).Value;

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$")]
    private static partial Regex SampleLine();

    private sealed record Sample(string Name, string Labels, double Value);
}
