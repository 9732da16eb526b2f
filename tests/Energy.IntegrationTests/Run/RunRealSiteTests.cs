using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Run;

/// <summary>
/// <c>heatgrid run --site</c> on a real site: the example bathhouse copied with <c>simulate</c> removed, its Modbus
/// devices pointed at closed ports and its MQTT inputs on a real mosquitto. Nothing is simulated: the signals are Bad
/// with their reasons, and nothing is published on the site's sensor topics, the topics its MQTT signals read from
/// (with <c>--demo</c> neither: the broker's topics are real). Also: the MQTT password from a file or the environment,
/// never on the command line, and the embedded broker listening on every address while this process connects to loopback.
/// </summary>
[Collection(DemoPorts.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class RunRealSiteTests : IDisposable
{
    private const string User = "heatgrid";
    private const string Password = "real-site-pw";
    private const string Watcher = "watcher";
    private const string WatcherPassword = "watcher-pw";
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-real-site-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [RequiresMosquittoFact]
    public Task RealSite_DevicesAtClosedPorts_SignalsBadWithReasons_AndNothingOnTheSitesSensorTopics() => RealSiteAsync(demo: false);

    [RequiresMosquittoFact]
    public Task RealSiteWithDemo_NoRealSignalIsWrittenByTheDemo_AndNothingOnTheSitesSensorTopics() => RealSiteAsync(demo: true);

    private async Task RealSiteAsync(bool demo)
    {
        await using var broker = await MosquittoBroker.StartAsync(new Dictionary<string, string> { [User] = Password, [Watcher] = WatcherPassword });
        var (site, sensorTopics, deviceSignals) = RealSite();

        // A raw client on '#' from before the start: every topic anything publishes on this broker.
        using var watcher = StartWatcher(broker);
        var port = FreePort.Next();
        string[] args = ["run", "--site", site, "--http", $"127.0.0.1:{port}", "--data", Path.Combine(_folder, $"data-{demo}"),
            "--mqtt", $"mqtt://{User}@127.0.0.1:{broker.Port}", "--mqtt-password-file", PasswordFile()];
        using var heatgrid = HeatGridProcess.Start(demo ? [.. args, "--demo"] : args);

        var signals = await WaitForSignalsAsync(port, heatgrid, s => deviceSignals.All(d => s.ContainsKey(d) && s[d].GetProperty("reason").GetString() is not null)
            && sensorTopics.Values.All(s.ContainsKey));
        foreach (var name in deviceSignals)
        {
            var s = signals[name];
            Assert.Equal("bad", s.GetProperty("quality").GetString());
            Assert.Matches("cannot connect to 127\\.0\\.0\\.1:\\d+: Connection refused", s.GetProperty("reason").GetString()!);
            Assert.StartsWith("modbus:", s.GetProperty("source").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, s.GetProperty("value").ValueKind);
        }

        foreach (var (topic, name) in sensorTopics)
        {
            var s = signals[name];
            Assert.Equal(("bad", $"no message on {topic} since start", "mqtt:" + topic),
                (s.GetProperty("quality").GetString(), s.GetProperty("reason").GetString(), s.GetProperty("source").GetString()));
        }

        Assert.DoesNotContain(signals.Values, s => s.GetProperty("source").GetString() == "demo-simulator");
        using var status = await StatusAsync(port, heatgrid);
        var demoStatus = status.RootElement.GetProperty("demo");
        Assert.Equal(demo, demoStatus.GetProperty("running").GetBoolean());
        Assert.DoesNotContain(demoStatus.GetProperty("simulates").EnumerateArray(), s => s.GetString()!.StartsWith("mqtt", StringComparison.Ordinal)
            || s.GetString()!.StartsWith("device", StringComparison.Ordinal));
        Assert.Equal(demo ? HttpStatusCode.OK : HttpStatusCode.NotFound, (await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/demo/base-load"))).StatusCode);
        Assert.Contains(demo ? "Demo: on (--demo)" : "Demo: off", heatgrid.Output, StringComparison.Ordinal);
        if (!demo)
        {
            Assert.Contains(status.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("no day-ahead prices", StringComparison.Ordinal));
        }

        // Two state rounds (5 s apart) after the first: long enough for a once-a-second simulated BMS to have shown itself many times.
        await WaitForTopicAsync(watcher, "heatgrid/bathhouse/state", heatgrid);
        await Task.Delay(TimeSpan.FromSeconds(6));
        heatgrid.Signal("TERM");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5)), heatgrid.Output);

        var topics = watcher.Topics();
        Assert.Contains("heatgrid/bathhouse/state", topics);                                   // the watcher does see HeatGrid's own topics
        Assert.Empty(topics.Intersect(sensorTopics.Keys));
        Assert.All(topics, t => Assert.True(t.StartsWith("heatgrid/bathhouse/", StringComparison.Ordinal) || t.StartsWith("homeassistant/", StringComparison.Ordinal),
            $"HeatGrid published on {t}"));
    }

    [RequiresMosquittoFact]
    public async Task PasswordFromTheEnvironment_Connects_AndTheCommandLineHoldsNoPassword()
    {
        await using var broker = await MosquittoBroker.StartAsync(new Dictionary<string, string> { [User] = Password });
        var (site, _, _) = RealSite();
        var port = FreePort.Next();
        using var heatgrid = HeatGridProcess.Start(new Dictionary<string, string> { ["HEATGRID_MQTT_PASSWORD"] = Password },
            "run", "--site", site, "--http", $"127.0.0.1:{port}", "--data", Path.Combine(_folder, "data-env"), "--mqtt", $"mqtt://{User}@127.0.0.1:{broker.Port}");

        Assert.Equal("connected", await WaitForMqttStateAsync(port, heatgrid, "connected"));
        var commandLine = (await File.ReadAllTextAsync($"/proc/{heatgrid.Id}/cmdline")).Replace('\0', ' ');
        Assert.Contains($"mqtt://{User}@127.0.0.1", commandLine, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, commandLine, StringComparison.Ordinal);
        heatgrid.Signal("TERM");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5)), heatgrid.Output);
    }

    [Fact]
    public async Task PasswordInTheUriAndInAFile_IsRefusedBeforeAnythingStarts()
    {
        var (site, _, _) = RealSite();
        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "run", "--site", site, "--http", $"127.0.0.1:{FreePort.Next()}",
            "--data", Path.Combine(_folder, "data-both"), "--mqtt", $"mqtt://{User}:inline@127.0.0.1:1", "--mqtt-password-file", PasswordFile());

        Assert.Equal(2, code);
        Assert.Contains("give it once", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [RequiresMosquittoFact]
    public async Task EmbeddedBrokerOnEveryAddress_RefusedWithoutUsers_WithUsersTheProcessConnectsToLoopback_AndClientsReachIt()
    {
        var port = FreePort.Next();
        var mqttPort = FreePort.Next();
        var data = Path.Combine(_folder, "data-any");
        string[] run = ["run", "--http", $"127.0.0.1:{port}", "--data", data, "--mqtt-listen", $"0.0.0.0:{mqttPort}"];

        // Without users the broker would take anonymous sensor inputs from the whole network: refused, as the HTTP API is.
        var (code, refused) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), run);
        Assert.Equal(2, code);
        Assert.Contains($"--mqtt-listen 0.0.0.0:{mqttPort}: the embedded MQTT broker would take anonymous clients from the network", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", refused, StringComparison.Ordinal);

        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await HeatGridUsers.AddAsync(data, "vic", "viewer"));
        using var heatgrid = HeatGridProcess.Start(run);

        Assert.Equal("connected", await WaitForMqttStateAsync(port, heatgrid, "connected"));
        Assert.Contains("listening on 0.0.0.0:" + mqttPort.ToString(CultureInfo.InvariantCulture), heatgrid.Output, StringComparison.Ordinal);
        // Its own link connects as the process's internal identity (a secret made at start, never in the log).
        Assert.Contains("mqtt://heatgrid-internal@127.0.0.1:" + mqttPort.ToString(CultureInfo.InvariantCulture), heatgrid.Output, StringComparison.Ordinal);

        // The built-in demo's BMS goes through it: its pool temperature comes back over MQTT.
        var clock = Stopwatch.StartNew();
        string? source = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(20) && source != "mqtt:bathhouse/bms/pool/temperature")
        {
            var signals = await SignalsAsync(port);
            source = signals?.GetValueOrDefault("bath.poolTemperatureC") is { ValueKind: JsonValueKind.Object } s && s.GetProperty("quality").GetString() == "good"
                ? s.GetProperty("source").GetString() : null;
            await Task.Delay(100);
        }

        Assert.Equal("mqtt:bathhouse/bms/pool/temperature", source);
        heatgrid.Signal("TERM");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5)), heatgrid.Output);
    }

    /// <summary>The example bathhouse without <c>simulate</c>, its devices at closed ports: the site file, its MQTT topics → signals, its device signals.</summary>
    private (string Path, Dictionary<string, string> SensorTopics, List<string> DeviceSignals) RealSite()
    {
        var text = File.ReadAllText(RepoPaths.Example("bathhouse.yaml"));
        text = SimulateLine().Replace(text, string.Empty);
        foreach (var modbus in new[] { "15020", "15021", "15022" })
        {
            // A port nothing listens on: taken free, not bound.
            text = text.Replace("127.0.0.1:" + modbus, "127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("simulate:", text, StringComparison.Ordinal);
        var path = Path.Combine(_folder, "real-site.yaml");
        File.WriteAllText(path, text);

        // The site's sensor topics: the topic of each entry of its `signals` section.
        var topics = SignalEntry().Matches(text).ToDictionary(m => m.Groups["topic"].Value, m => m.Groups["signal"].Value, StringComparer.Ordinal);
        Assert.Equal(4, topics.Count);
        var devices = PointSignal().Matches(text).Select(m => m.Groups["signal"].Value).ToList();
        Assert.Equal(21, devices.Count);                       // heat meter 5, tank controller 12, site meter 4
        return (path, topics, devices);
    }

    private string PasswordFile()
    {
        var path = Path.Combine(_folder, "mqtt-password");
        File.WriteAllText(path, Password + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private static TopicWatcher StartWatcher(MosquittoBroker broker)
    {
        var info = new ProcessStartInfo("/usr/bin/mosquitto_sub") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", broker.Port.ToString(CultureInfo.InvariantCulture), "-u", Watcher, "-P", WatcherPassword,
                     "-i", "raw-watcher", "-t", "#", "-F", "%t" })
        {
            info.ArgumentList.Add(arg);
        }

        return new TopicWatcher(Process.Start(info)!);
    }

    private static async Task WaitForTopicAsync(TopicWatcher watcher, string topic, HeatGridProcess heatgrid)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20) && !watcher.Topics().Contains(topic))
        {
            await Task.Delay(100);
        }

        Assert.True(watcher.Topics().Contains(topic), $"the watcher never saw {topic}\n{heatgrid.Output}");
    }

    private async Task<Dictionary<string, JsonElement>> WaitForSignalsAsync(int port, HeatGridProcess heatgrid, Func<Dictionary<string, JsonElement>, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        Dictionary<string, JsonElement>? last = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Assert.False(heatgrid.HasExited, "heatgrid exited:\n" + heatgrid.Output);
            if ((last = await SignalsAsync(port)) is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the signals never met the condition; last: {string.Join("\n", last?.Values.Select(v => v.GetRawText()) ?? [])}\n{heatgrid.Output}");
        return null!;
    }

    /// <summary>The status once the control loop has published one (503 before).</summary>
    private async Task<JsonDocument> StatusAsync(int port, HeatGridProcess heatgrid)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/status"));
            if (response.IsSuccessStatusCode)
            {
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            }

            await Task.Delay(100);
        }

        Assert.Fail("no status within 20 s\n" + heatgrid.Output);
        return null!;
    }

    private async Task<Dictionary<string, JsonElement>?> SignalsAsync(int port)
    {
        try
        {
            using var doc = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/signals")));
            return doc.RootElement.EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.Clone(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private async Task<string?> WaitForMqttStateAsync(int port, HeatGridProcess heatgrid, string wanted)
    {
        var clock = Stopwatch.StartNew();
        string? state = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(20) && state != wanted)
        {
            Assert.False(heatgrid.HasExited, "heatgrid exited:\n" + heatgrid.Output);
            try
            {
                using var health = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/health")));
                state = health.RootElement.GetProperty("mqtt").GetProperty("state").GetString();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        return state;
    }

    [GeneratedRegex(@"^\s*simulate: .*\n", RegexOptions.Multiline)]
    private static partial Regex SimulateLine();

    [GeneratedRegex(@"^\s*- \{ signal: (?<signal>[\w.-]+), topic: (?<topic>[^,]+),", RegexOptions.Multiline)]
    private static partial Regex SignalEntry();

    [GeneratedRegex(@"^\s*- \{ name: \w+, signal: (?<signal>[\w.-]+),", RegexOptions.Multiline)]
    private static partial Regex PointSignal();

    /// <summary>mosquitto_sub printing each message's topic; the topics seen so far.</summary>
    private sealed class TopicWatcher : IDisposable
    {
        private readonly Process _process;
        private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();

        public TopicWatcher(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 } topic)
                {
                    lock (_lock)
                    {
                        _topics.Add(topic);
                    }
                }
            };
            process.BeginOutputReadLine();
        }

        public HashSet<string> Topics()
        {
            lock (_lock)
            {
                return [.. _topics];
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }

            _process.Dispose();
        }
    }
}
