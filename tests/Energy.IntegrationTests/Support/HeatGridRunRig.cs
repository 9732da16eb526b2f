using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Energy.IntegrationTests.Support;

/// <summary>
/// <c>heatgrid run</c> on a copy of the bathhouse example with free ports (so tests run side by side), a data
/// folder of the test's own, and what a fault test asks of it: status, health, curtailments, its RSS, the
/// period of its control tick.
/// </summary>
internal sealed class HeatGridRunRig : IDisposable
{
    private readonly string _site;

    public HeatGridRunRig(string folder)
    {
        Folder = folder;
        Data = Path.Combine(folder, "data");
        Directory.CreateDirectory(Data);
        var text = File.ReadAllText(RepoPaths.Example("bathhouse.yaml"));
        foreach (var modbus in new[] { "15020", "15021", "15022" })
        {
            text = text.Replace("127.0.0.1:" + modbus, "127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        _site = Path.Combine(folder, "site.yaml");
        File.WriteAllText(_site, text);
    }

    public string Folder { get; }

    /// <summary>The site copy's file.</summary>
    public string SitePath => _site;

    /// <summary>The port the site copy gives a Modbus device (<c>heat-meter</c>, <c>site-meter</c>…).</summary>
    public int DevicePort(string device) => int.Parse(
        Energy.Contracts.Configuration.SiteFile.Parse(File.ReadAllText(_site), "site.yaml").GetSiteOrThrow().Devices.Single(d => d.Name == device).Endpoint.Split(':')[1],
        CultureInfo.InvariantCulture);

    public string Data { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(5) };

    public int Port { get; private set; }

    public Uri Url(string path) => new($"http://127.0.0.1:{Port}{path}");

    /// <summary>Starts <c>heatgrid run</c> on the site copy, with <paramref name="extra"/> arguments (e.g. <c>--demo</c>) after the rig's own.</summary>
    public HeatGridProcess Start(params string[] extra)
    {
        Port = FreePort.Next();
        return HeatGridProcess.Start([.. new[] { "run", "--site", _site, "--http", $"127.0.0.1:{Port}", "--data", Data,
            "--mqtt-listen", $"127.0.0.1:{FreePort.Next()}" }, .. extra]);
    }

    /// <summary>
    /// Posts curtailments <c>{prefix}-0</c>, <c>{prefix}-1</c>… (cap 800 − i kW, an hour) to a running <paramref name="heatgrid"/>
    /// and kills it with SIGKILL once <paramref name="atLeast"/> were acknowledged (202), posting on under the kill; returns
    /// the acknowledged ones, which a restart must still know.
    /// </summary>
    public async Task<List<(string Id, double Kw)>> CurtailUntilKilledAsync(HeatGridProcess heatgrid, string prefix, int atLeast, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(heatgrid);
        var acknowledged = new List<(string Id, double Kw)>();
        using var posting = new CancellationTokenSource();
        var poster = Task.Run(async () =>
        {
            for (var i = 0; i < 60 && !posting.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await CurtailAsync($"{prefix}-{i}", 800 - i, 3600, reason);
                    if (response.StatusCode == System.Net.HttpStatusCode.Accepted)
                    {
                        lock (acknowledged)
                        {
                            acknowledged.Add(($"{prefix}-{i}", 800 - i));
                        }
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return;   // killed under it: not acknowledged
                }
            }
        });

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            lock (acknowledged)
            {
                if (acknowledged.Count >= atLeast)
                {
                    break;
                }
            }

            await Task.Delay(5);
        }

        heatgrid.Signal("KILL");
        await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5));
        await posting.CancelAsync();
        await poster;
        return acknowledged;
    }

    /// <summary>Waits for the first control tick; returns /api/status.</summary>
    public async Task<JsonElement> WaitForStatusAsync(HeatGridProcess heatgrid, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(40)))
        {
            Assert.False(heatgrid.HasExited, "heatgrid run exited:\n" + heatgrid.Output);
            if (await TryStatusAsync() is { } status)
            {
                return status;
            }

            await Task.Delay(200);
        }

        Assert.Fail("no /api/status in time:\n" + heatgrid.Output);
        return default;
    }

    public async Task<JsonElement?> TryStatusAsync()
    {
        try
        {
            using var response = await Http.GetAsync(Url("/api/status"));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.Clone();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        using var json = JsonDocument.Parse(await Http.GetStringAsync(Url(path)));
        return json.RootElement.Clone();
    }

    public async Task<HttpResponseMessage> CurtailAsync(string? id, double targetKw, double seconds, string? reason = null) =>
        await Http.PostAsJsonAsync(Url("/api/dr/curtail"), new { id, targetKw, durationSeconds = seconds, reason });

    /// <summary>Waits until /health's reasons contain every one of <paramref name="fragments"/>; returns /health.</summary>
    public async Task<JsonElement> WaitForHealthReasonsAsync(HeatGridProcess heatgrid, TimeSpan timeout, params string[] fragments)
    {
        var clock = Stopwatch.StartNew();
        JsonElement health = default;
        while (clock.Elapsed < timeout)
        {
            health = await GetAsync("/health");
            var reasons = health.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList();
            if (fragments.All(f => reasons.Exists(r => r.Contains(f, StringComparison.Ordinal))))
            {
                Assert.Equal("degraded", health.GetProperty("status").GetString());
                return health;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"/health never gave all of [{string.Join(", ", fragments)}]: {health}\n{heatgrid.Output}");
        return default;
    }

    /// <summary>The control tick's instants (/api/status time) sampled over <paramref name="span"/>, with <paramref name="load"/> running meanwhile.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> TickTimesAsync(TimeSpan span, Func<Task>? load = null)
    {
        var work = load is null ? Task.CompletedTask : Task.Run(load);
        var ticks = new SortedSet<DateTimeOffset>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < span)
        {
            if (await TryStatusAsync() is { } s)
            {
                ticks.Add(s.GetProperty("time").GetDateTimeOffset());
            }

            await Task.Delay(150);
        }

        await work;
        return [.. ticks];
    }

    /// <summary>Asserts a 1-s period: no gap between ticks over 2.5 s, and about one tick a second.</summary>
    public static void AssertOneSecondPeriod(IReadOnlyList<DateTimeOffset> ticks, TimeSpan span, string output)
    {
        var gaps = ticks.Zip(ticks.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        var shown = string.Join(", ", gaps.Select(g => g.ToString("0.00", CultureInfo.InvariantCulture)));
        Assert.True(gaps.Count >= (int)(span.TotalSeconds * 0.7) - 1, $"{ticks.Count} ticks in {span.TotalSeconds} s (gaps {shown}):\n{output}");
        Assert.True(gaps.Max() < 2.5, $"a control tick gap of {gaps.Max():0.00} s (gaps {shown})");
    }

    /// <summary>The resident set of a process, from /proc/PID/status (VmRSS), in bytes.</summary>
    public static long RssBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    public static void StopCleanly(HeatGridProcess heatgrid)
    {
        heatgrid.Signal("TERM");
        Assert.True(heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(8)).GetAwaiter().GetResult(), "did not stop within 8 s of SIGTERM:\n" + heatgrid.Output);
        Assert.True(heatgrid.ExitCode == 0, $"exit code {heatgrid.ExitCode}:\n{heatgrid.Output}");
    }

    /// <summary>Cuts the last <paramref name="bytes"/> off a file, as a crash in the middle of writing it would.</summary>
    public static void CutTail(string path, int bytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        Assert.True(stream.Length > bytes, $"{path} has only {stream.Length} bytes");
        stream.SetLength(stream.Length - bytes);
    }

    public static string Tail(string text, int chars = 20_000) => text.Length <= chars ? text : text[^chars..];

    public static int Count(string text, string fragment)
    {
        var n = 0;
        for (var at = text.IndexOf(fragment, StringComparison.Ordinal); at >= 0; at = text.IndexOf(fragment, at + fragment.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public void Dispose() => Http.Dispose();
}
