using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Run;

/// <summary>
/// <c>heatgrid run --demo</c> with MQTT: against a real mosquitto with a password file (whose topics are real:
/// the demo publishes none of them), and on its embedded broker (where the demo's BMS publishes). Inputs published
/// with mosquitto_pub reach /api/signals; mosquitto_sub sees the retained state, plan and Home Assistant discovery.
/// </summary>
public sealed class RunWithMqttTests : IDisposable
{
    private const string User = "heatgrid";
    private const string Password = "s3cret-pw";
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-mqtt-run-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [RequiresMosquittoFact]
    public async Task RunAgainstMosquitto_PublishedInputsShowUpAndBadPayloadsAreFlaggedWhileGoodOnesFlow()
    {
        await using var broker = await MosquittoBroker.StartAsync(new Dictionary<string, string> { [User] = Password });
        var port = FreePort.Next();
        using var heatgrid = HeatGridProcess.Start("run", "--demo", "--site", SiteWithTestTopics(), "--http", $"127.0.0.1:{port}",
            "--data", Path.Combine(_folder, "data"), "--mqtt", $"mqtt://{User}:{Password}@127.0.0.1:{broker.Port}");

        // On an external broker the BMS is real: the pool temperature is Bad until the BMS (this test) publishes it.
        var waiting = await WaitForSignalAsync(port, "bath.poolTemperatureC", s => s.GetProperty("quality").GetString() == "bad", heatgrid, TimeSpan.FromSeconds(20));
        Assert.Equal("no message on bathhouse/bms/pool/temperature since start", waiting.GetProperty("reason").GetString());
        await PublishUntilGoodAsync(broker, port, heatgrid, "bathhouse/bms/pool/temperature", "{\"value\": 28.5, \"unit\": \"°C\"}", "bath.poolTemperatureC");

        var clock = Stopwatch.StartNew();
        await PubAsync(broker, "test/probe1/value", "777.5");
        var probe = await WaitForSignalAsync(port, "test.probe1", s => s.GetProperty("value").ValueKind == JsonValueKind.Number && s.GetProperty("value").GetDouble() == 777.5, heatgrid, TimeSpan.FromSeconds(5));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"took {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal("mqtt:test/probe1/value", probe.GetProperty("source").GetString());

        var bad = new Dictionary<string, (string Payload, string Reason)>
        {
            ["word"] = ("warm", "not a number"),
            ["nan"] = ("NaN", "not a finite number"),
            ["huge"] = ("1e309", "not a finite number"),
            ["empty"] = (string.Empty, "empty payload"),
        };
        foreach (var (name, (payload, _)) in bad)
        {
            await PubAsync(broker, $"test/{name}/value", payload);
        }

        await PubAsync(broker, "test/json/reading", "{\"value\": 61.2, \"unit\": \"°C\"");
        await PubAsync(broker, "test/unit/reading", "{\"value\": 61.2, \"unit\": \"bar\"}");
        await PubAsync(broker, "test/good/value", "42");

        foreach (var (name, (_, reason)) in bad)
        {
            var s = await WaitForSignalAsync(port, "test." + name, s => s.GetProperty("quality").GetString() == "bad", heatgrid, TimeSpan.FromSeconds(5));
            Assert.StartsWith(reason, s.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, s.GetProperty("value").ValueKind);
            Assert.Equal(1, s.GetProperty("badPayloads").GetInt64());
        }

        Assert.StartsWith("invalid JSON", (await WaitForSignalAsync(port, "test.json.reading", s => s.GetProperty("quality").GetString() == "bad", heatgrid, TimeSpan.FromSeconds(5))).GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("wrong unit: 'bar'", (await WaitForSignalAsync(port, "test.unit.reading", s => s.GetProperty("quality").GetString() == "bad", heatgrid, TimeSpan.FromSeconds(5))).GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(42, (await WaitForSignalAsync(port, "test.good", s => s.GetProperty("quality").GetString() == "good", heatgrid, TimeSpan.FromSeconds(5))).GetProperty("value").GetDouble());

        // The good reading stands beside the bad ones, and it is the BMS's: the demo never writes a real topic's signal.
        var pool = await WaitForSignalAsync(port, "bath.poolTemperatureC", s => s.GetProperty("quality").GetString() == "good", heatgrid, TimeSpan.FromSeconds(5));
        Assert.Equal((28.5, "mqtt:bathhouse/bms/pool/temperature"), (pool.GetProperty("value").GetDouble(), pool.GetProperty("source").GetString()));

        // Retained state, plan and discovery, as a building system subscribing later sees them.
        using var state = JsonDocument.Parse(await SubOneAsync(broker, "heatgrid/bathhouse/state"));
        Assert.True(state.RootElement.GetProperty("gridImportKw").GetDouble() > 0);
        using var plan = JsonDocument.Parse(await SubOneAsync(broker, "heatgrid/bathhouse/plan"));
        Assert.NotEmpty(plan.RootElement.GetProperty("slots").EnumerateArray());
        using var discovery = JsonDocument.Parse(await SubOneAsync(broker, "homeassistant/sensor/heatgrid_bathhouse_grid_import/config"));
        Assert.Equal("heatgrid/bathhouse/status", discovery.RootElement.GetProperty("availability_topic").GetString());
        Assert.Equal("online", await SubOneAsync(broker, "heatgrid/bathhouse/status"));

        heatgrid.Signal("TERM");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5)), heatgrid.Output);
    }

    [RequiresMosquittoFact]
    public async Task RunOnTheEmbeddedBroker_DemoSensorsGoThroughItAndSubscribersSeeTheState()
    {
        var port = FreePort.Next();
        var mqttPort = FreePort.Next();
        using var heatgrid = HeatGridProcess.Start("run", "--demo", "--site", SiteWithTestTopics(), "--http", $"127.0.0.1:{port}",
            "--data", Path.Combine(_folder, "data2"), "--mqtt-listen", $"127.0.0.1:{mqttPort}");

        var pool = await WaitForSignalAsync(port, "bath.poolTemperatureC", s => s.GetProperty("quality").GetString() == "good", heatgrid, TimeSpan.FromSeconds(20));
        Assert.Equal("mqtt:bathhouse/bms/pool/temperature", pool.GetProperty("source").GetString());
        Assert.Equal("°C", pool.GetProperty("unit").GetString());

        var output = await RunAsync("/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", mqttPort.ToString(CultureInfo.InvariantCulture),
            "-i", "heatgrid-test-sub", "-t", "heatgrid/bathhouse/sensor/grid_import", "-C", "1", "-W", "15");
        Assert.True(double.Parse(output.Trim(), CultureInfo.InvariantCulture) > 0, output);

        heatgrid.Signal("TERM");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5)), heatgrid.Output);
    }

    [RequiresMosquittoFact]
    public async Task RunAgainstMosquitto_WrongPassword_RunsOnAndSaysWhyInHealth()
    {
        await using var broker = await MosquittoBroker.StartAsync(new Dictionary<string, string> { [User] = Password });
        var port = FreePort.Next();
        using var heatgrid = HeatGridProcess.Start("run", "--site", SiteWithTestTopics(), "--http", $"127.0.0.1:{port}",
            "--data", Path.Combine(_folder, "data3"), "--mqtt", $"mqtt://{User}:wrong@127.0.0.1:{broker.Port}");

        var clock = Stopwatch.StartNew();
        JsonElement mqtt = default;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            Assert.False(heatgrid.HasExited, heatgrid.Output);
            try
            {
                using var health = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/health")));
                mqtt = health.RootElement.GetProperty("mqtt").Clone();
                if (mqtt.GetProperty("state").GetString() == "refused")
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        Assert.Equal("refused", mqtt.GetProperty("state").GetString());
        // mosquitto answers a wrong password with "not authorized" (MQTT 5 reason 0x87).
        Assert.Matches("not authori[sz]ed|user name or password", mqtt.GetProperty("error").GetString()!);
        heatgrid.Signal("TERM");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5)), heatgrid.Output);
    }

    /// <summary>The bathhouse with free Modbus ports and a wildcard test mapping the demo does not publish itself.</summary>
    private string SiteWithTestTopics()
    {
        var text = File.ReadAllText(RepoPaths.Example("bathhouse.yaml"));
        foreach (var modbus in new[] { "15020", "15021", "15022" })
        {
            text = text.Replace("127.0.0.1:" + modbus, "127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        text += """
              - { signal: "test.{1}", topic: test/+/value, format: plain, unit: kW, maxAge: 10m }
              - { signal: "test.{1}.reading", topic: test/+/reading, format: json-value-unit, unit: °C, maxAge: 10m }

            """.Replace("            ", string.Empty, StringComparison.Ordinal);
        var path = Path.Combine(_folder, "site.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<JsonElement> WaitForSignalAsync(int port, string name, Func<JsonElement, bool> condition, HeatGridProcess heatgrid, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        JsonElement? last = null;
        while (clock.Elapsed < timeout)
        {
            Assert.False(heatgrid.HasExited, "heatgrid exited:\n" + heatgrid.Output);
            try
            {
                using var doc = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/signals")));
                foreach (var s in doc.RootElement.EnumerateArray())
                {
                    if (s.GetProperty("name").GetString() == name)
                    {
                        last = s.Clone();
                        if (condition(last.Value))
                        {
                            return last.Value;
                        }
                    }
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(50);
        }

        Assert.Fail($"signal {name} never met the condition within {timeout.TotalSeconds} s; last: {last?.GetRawText() ?? "none"}\n{heatgrid.Output}");
        return default;
    }

    /// <summary>Publishes until HeatGrid has the signal Good: a message sent before its subscription is in place is not retained.</summary>
    private async Task PublishUntilGoodAsync(MosquittoBroker broker, int port, HeatGridProcess heatgrid, string topic, string payload, string signal)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await PubAsync(broker, topic, payload);
            try
            {
                await WaitForSignalAsync(port, signal, s => s.GetProperty("quality").GetString() == "good", heatgrid, TimeSpan.FromSeconds(1));
                return;
            }
            catch (Xunit.Sdk.FailException)
            {
            }
        }

        Assert.Fail($"{signal} never turned good from {topic}\n{heatgrid.Output}");
    }

    private static Task<string> PubAsync(MosquittoBroker broker, string topic, string payload) =>
        RunAsync("/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", broker.Port.ToString(CultureInfo.InvariantCulture), "-u", User, "-P", Password,
            "-q", "1", "-t", topic, "-m", payload);

    private static Task<string> SubOneAsync(MosquittoBroker broker, string topic) =>
        RunAsync("/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", broker.Port.ToString(CultureInfo.InvariantCulture), "-u", User, "-P", Password,
            "-t", topic, "-C", "1", "-W", "15");

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {output}{error}");
        return output.TrimEnd('\n');
    }
}
