using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Energy.IntegrationTests.Support;

/// <summary>
/// A real VictoriaMetrics (Debian's victoria-metrics, which takes InfluxDB's <c>/api/v2/write</c>) on 127.0.0.1: a free
/// port and its own temp <c>-storageDataPath</c>, kept across <see cref="StopAsync"/> and <see cref="StartAgainAsync"/>
/// so that a restart serves what it had. Series are named <c>measurement_field</c>, timestamps in ms. Put <see cref="Log"/>
/// into assertion messages.
/// </summary>
internal sealed class VictoriaMetricsServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/victoria-metrics";

    private readonly StringBuilder _log = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private Process? _process;

    private VictoriaMetricsServer(int port)
    {
        Port = port;
        DataPath = Directory.CreateTempSubdirectory("heatgrid-victoria-").FullName;
    }

    /// <summary>Why VictoriaMetrics cannot run here (Debian package victoria-metrics), or null.</summary>
    public static string? Missing { get; } = ExternalTool.Missing(Binary);

    public int Port { get; }

    public string DataPath { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public string Log
    {
        get
        {
            lock (_log)
            {
                var text = _log.ToString();
                return text.Length > 6000 ? "…" + text[^6000..] : text;
            }
        }
    }

    public static async Task<VictoriaMetricsServer> StartAsync()
    {
        var server = new VictoriaMetricsServer(FreePort.Next());
        try
        {
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts it (again) on the same port and data path; returns once <c>/health</c> answers.</summary>
    public async Task StartAgainAsync()
    {
        Append($"--- starting victoria-metrics on port {Port}");
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add($"-httpListenAddr=127.0.0.1:{Port}");
        info.ArgumentList.Add($"-storageDataPath={DataPath}");
        // Recent points are readable after a second, and every export reads the storage rather than a cache.
        info.ArgumentList.Add("-search.latencyOffset=1s");
        info.ArgumentList.Add("-search.disableCache");
        var process = ExternalTool.StartCapturing(info, Append);
        _process = process;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, "victoria-metrics exited at start:\n" + Log);
            try
            {
                using var response = await _http.GetAsync(new Uri($"{Url}/health"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "victoria-metrics did not answer /health within 30 s:\n" + Log);
            await Task.Delay(100);
        }
    }

    /// <summary>A clean stop by process id (SIGTERM): it writes what it holds in memory to its storage and exits.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        await ExternalTool.StopAsync(process, "victoria-metrics", TimeSpan.FromSeconds(20), Append);
        _process = null;
    }

    /// <summary>The raw samples of every series named <paramref name="metric"/> (<c>/api/v1/export</c>), timestamps in Unix ms.</summary>
    public async Task<List<(long TimestampMs, double Value)>> ExportAsync(string metric, long startMs = 0)
    {
        var text = await _http.GetStringAsync(new Uri($"{Url}/api/v1/export?match[]={Uri.EscapeDataString(metric)}&start={startMs / 1000}"));
        var samples = new List<(long, double)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var series = JsonDocument.Parse(line);
            var values = series.RootElement.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList();
            var timestamps = series.RootElement.GetProperty("timestamps").EnumerateArray().Select(t => t.GetInt64()).ToList();
            samples.AddRange(timestamps.Zip(values));
        }

        return samples;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp cleaner rather than fail the test.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
