using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Run;

/// <summary>
/// <c>heatgrid run</c> holds the cap against its site meter (the demo's, read over Modbus TCP): the demo
/// site's base load is stepped up through <c>POST /api/demo/base-load</c>, the metered import comes back
/// under the cap within 3 s of the step showing in the meter and stays there, the estimated base load is within 5 % of the
/// truth 10 s after it showed, and the planner re-plans with it.
/// </summary>
public sealed class RunBaseLoadStepTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-base-load-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task DemoBaseLoadSteppedUp_MeteredImportHeldUnderTheCapAndTheEstimateFollows()
    {
        var port = FreePort.Next();
        using var heatgrid = HeatGridProcess.Start("run", "--demo", "--site", SiteAtTheCap(), "--http", $"127.0.0.1:{port}",
            "--data", Path.Combine(_folder, "data"), "--mqtt-listen", $"127.0.0.1:{FreePort.Next()}");
        var url = $"http://127.0.0.1:{port}";

        // Without a ramp limit the demo reaches its plan, at the cap less the meter's 2 %, within seconds.
        var before = await WaitForStatusAsync(heatgrid, port, s => s.GetProperty("capHeldAgainst").GetString() == "meter"
            && s.GetProperty("gridImportKw").GetDouble() > 0.95 * s.GetProperty("gridImportCapKw").GetDouble(), TimeSpan.FromSeconds(40));
        var cap = before.GetProperty("gridImportCapKw").GetDouble();
        Assert.Equal(882, before.GetProperty("holdBelowKw").GetDouble(), tolerance: 0.01);
        Assert.Equal(60, before.GetProperty("baseLoadKw").GetDouble(), tolerance: 3);
        using (var knob = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"{url}/api/demo/base-load"))))
        {
            Assert.Equal(60, knob.RootElement.GetProperty("baseLoadKw").GetDouble());
        }

        // 200 kW more with the site at its cap: over it unless HeatGrid sheds.
        const double step = 200;
        var truth = 60 + step;
        var bad = await _http.PostAsJsonAsync(new Uri($"{url}/api/demo/base-load"), new { baseLoadKw = -5 });
        Assert.Equal(400, (int)bad.StatusCode);
        using (var posted = await _http.PostAsJsonAsync(new Uri($"{url}/api/demo/base-load"), new { stepKw = step }))
        {
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        }

        // The step reaches the controller through the demo world's 1-s step, the meter's 1-s Modbus poll and the
        // control tick, so it shows up to about 3 s after the POST (later on a loaded machine). From the first
        // reading that shows it, HeatGrid sheds on that tick, and the reading after the GPUs have dropped (the next
        // world step, poll and tick) is under the cap: 3 s after the step showed, every reading must be.
        var clock = Stopwatch.StartNew();
        var samples = new List<string>();
        double? seenAt = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(20) && (seenAt is null || clock.Elapsed.TotalSeconds < seenAt + 12))
        {
            var s = await StatusAsync(port);
            var at = clock.Elapsed.TotalSeconds;
            var metered = s.GetProperty("gridImportMeteredKw");
            var estimate = s.GetProperty("baseLoadKw").GetDouble();
            samples.Add(string.Create(CultureInfo.InvariantCulture, $"{at:0.0}s: metered {metered} kW, base {estimate} kW, {s.GetProperty("capHeldAgainst")}"));
            Assert.Equal(JsonValueKind.Number, metered.ValueKind);
            if (seenAt is null && (metered.GetDouble() > cap || estimate > 60 + (step / 2)))
            {
                seenAt = at;
            }

            if (seenAt is { } seen && at >= seen + 3)
            {
                Assert.True(metered.GetDouble() <= cap, $"metered import over the cap {at - seen:0.0} s after the step showed in the meter:\n{string.Join('\n', samples)}\n{heatgrid.Output}");
            }

            if (seenAt is { } shown && at >= shown + 10)
            {
                Assert.True(Math.Abs(estimate - truth) <= 0.05 * truth, $"estimated base load {estimate} kW, true {truth} kW:\n{string.Join('\n', samples)}");
            }

            await Task.Delay(250);
        }

        Assert.True(seenAt is { } s0 && s0 <= 6, $"the step never showed in the meter within 6 s:\n{string.Join('\n', samples)}\n{heatgrid.Output}");
        Assert.True(clock.Elapsed.TotalSeconds >= seenAt + 12, "the run of readings ended before 12 s after the step showed");

        // The planner re-plans with the measured base load.
        var replanned = await WaitForAsync(async () =>
        {
            using var plan = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"{url}/api/plan")));
            return plan.RootElement.GetProperty("slots")[0].GetProperty("explanations").EnumerateArray()
                .Any(e => e.GetString()!.StartsWith("planned with ", StringComparison.Ordinal) && e.GetString()!.Contains("site meter", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(20));
        Assert.True(replanned, "the plan never mentioned the measured base load:\n" + heatgrid.Output);

        heatgrid.Signal("TERM");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5)), heatgrid.Output);
        Assert.DoesNotContain(" fail:", heatgrid.Output, StringComparison.Ordinal);
    }

    /// <summary>The bathhouse without its ramp limit and with mining worth ten times as much, so that its plan is at the cap at any hour.</summary>
    private string SiteAtTheCap()
    {
        var text = File.ReadAllText(RepoPaths.Example("bathhouse.yaml"))
            .Replace("  rampLimitKwPerMinute: 300\n", string.Empty, StringComparison.Ordinal)
            .Replace("revenuePerUnit: 0.0011", "revenuePerUnit: 0.011", StringComparison.Ordinal);
        foreach (var modbus in new[] { "15020", "15021", "15022" })
        {
            text = text.Replace("127.0.0.1:" + modbus, "127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("rampLimitKwPerMinute", text, StringComparison.Ordinal);
        var path = Path.Combine(_folder, "site.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<JsonElement> StatusAsync(int port)
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/status")));
        return json.RootElement.Clone();
    }

    private async Task<JsonElement> WaitForStatusAsync(HeatGridProcess heatgrid, int port, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            Assert.False(heatgrid.HasExited, "heatgrid run exited:\n" + heatgrid.Output);
            try
            {
                var status = await StatusAsync(port);
                if (done(status))
                {
                    return status;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("heatgrid run never reached the state:\n" + heatgrid.Output);
    }

    private static async Task<bool> WaitForAsync(Func<Task<bool>> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await done())
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }
}
