using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Run;

/// <summary><c>heatgrid run</c> as a user starts it: a real process, real sockets, real signals.</summary>
[Collection(DemoPorts.Name)]
public sealed class RunVerbTests : IDisposable
{
    private static readonly TimeSpan StartBudget = TimeSpan.FromSeconds(15);
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-run-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Run_EmbeddedDefaults_ImportsWithinFifteenSecondsUnderTheCapAndStopsOnSigterm()
    {
        var port = FreePort.Next();
        var clock = Stopwatch.StartNew();
        using var heatgrid = HeatGridProcess.Start("run", "--http", $"127.0.0.1:{port}", "--data", _data);

        var status = await WaitForImportAsync(heatgrid, port, clock);
        Assert.Equal("bathhouse", status.GetProperty("site").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"))).StatusCode);

        // The demo's meters are read over Modbus TCP from its own simulators, through the real client; the
        // demand is derived from them (delivered + boiler + shortfall).
        using (var signals = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/signals"))))
        {
            var delivered = signals.RootElement.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "bath.heatDeliveredKw");
            Assert.Equal("modbus:heat-meter", delivered.GetProperty("source").GetString());
            Assert.Equal("good", delivered.GetProperty("quality").GetString());
            var demand = signals.RootElement.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "bath.heatDemandKw");
            Assert.Equal("derived:delivered+boiler+shortfall", demand.GetProperty("source").GetString());
            Assert.Equal("good", demand.GetProperty("quality").GetString());
            Assert.True(demand.GetProperty("value").GetDouble() > 0);
        }

        // Sampled for a few seconds while GPUs ramp: the import never goes above the cap.
        for (var i = 0; i < 10; i++)
        {
            var s = await StatusAsync(port);
            Assert.InRange(s!.Value.GetProperty("gridImportKw").GetDouble(), 0.001, s.Value.GetProperty("gridImportCapKw").GetDouble());
            await Task.Delay(300);
        }

        var stopping = Stopwatch.StartNew();
        heatgrid.Signal("TERM");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5)), "did not stop within 5 s of SIGTERM:\n" + heatgrid.Output);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal(0, heatgrid.ExitCode);
        Assert.DoesNotContain(" fail:", heatgrid.Output, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_data, "timeseries"), "*.lp"));
    }

    [Fact]
    public async Task Run_SiteFileGiven_RunsThatSiteAndStopsOnSigint()
    {
        var port = FreePort.Next();
        var clock = Stopwatch.StartNew();
        using var heatgrid = HeatGridProcess.Start("run", "--site", RepoPaths.Example("district-heat.yaml"),
            "--http", $"127.0.0.1:{port}", "--data", _data);

        var status = await WaitForImportAsync(heatgrid, port, clock);
        Assert.Equal("district-heat", status.GetProperty("site").GetString());
        Assert.Equal(5200, status.GetProperty("gridImportCapKw").GetDouble());

        heatgrid.Signal("INT");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5)), "did not stop within 5 s of SIGINT:\n" + heatgrid.Output);
        Assert.Equal(0, heatgrid.ExitCode);
    }

    [Fact]
    public async Task Run_InvalidSiteFile_ExitsWithTheErrorsAndNeverListens()
    {
        var broken = Path.Combine(_data, "broken.yaml");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(RepoPaths.Example("bathhouse.yaml")))
            .Replace("importCapKw: 900", "importCapKw: -900", StringComparison.Ordinal));

        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "run", "--site", broken,
            "--http", $"127.0.0.1:{FreePort.Next()}", "--data", _data);

        Assert.Equal(1, code);
        Assert.Contains($"{broken}:24:16: grid.importCapKw: expected a number (kW) between 0.001 and 10000000, got -900", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    private async Task<JsonElement> WaitForImportAsync(HeatGridProcess heatgrid, int port, Stopwatch clock)
    {
        while (clock.Elapsed < StartBudget)
        {
            Assert.False(heatgrid.HasExited, "heatgrid exited early:\n" + heatgrid.Output);
            if (await StatusAsync(port) is { } status && status.GetProperty("gridImportKw").GetDouble() > 0)
            {
                Assert.True(status.GetProperty("gridImportKw").GetDouble() <= status.GetProperty("gridImportCapKw").GetDouble());
                return status;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"no positive gridImportKw within {StartBudget.TotalSeconds} s:\n{heatgrid.Output}");
        return default;
    }

    private async Task<JsonElement?> StatusAsync(int port)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/status"));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.Clone();
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }
}
