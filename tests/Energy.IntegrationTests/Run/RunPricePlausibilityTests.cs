using System.Diagnostics;
using System.Globalization;
using System.Text;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Run;

/// <summary>
/// <c>heatgrid run</c> against implausible prices: a poisoned <c>--prices</c> file stops it with the line; a refused MQTT
/// document is logged with its reason and line and shows as <c>prices.refused</c> in <c>/api/status</c>; a poisoned
/// <c>last-good.csv</c> is set aside as a critical alarm and the fresh file is planned on.
/// </summary>
public sealed class RunPricePlausibilityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-prices-plausible-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static DateTimeOffset Yesterday => new(DateTime.UtcNow.Date.AddDays(-1), TimeSpan.Zero);

    [Theory]
    [InlineData("1e12", "outside the market's clearing-price limits")]
    [InlineData("-1e12", "outside the market's clearing-price limits")]
    public async Task Run_PriceFileWithAnImpossiblePrice_ExitsNamingItsLine(string bad, string reason)
    {
        var path = Path.Combine(_folder, "poisoned.csv");
        await File.WriteAllTextAsync(path, Csv(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), 24, h => h == 3 ? bad : "50"));

        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "run", "--prices", path,
            "--http", $"127.0.0.1:{FreePort.Next()}", "--data", Path.Combine(_folder, "d"), "--mqtt-listen", $"127.0.0.1:{FreePort.Next()}");

        Assert.Equal(1, code);
        Assert.Contains($"{path}:5: {(bad.StartsWith('-') ? "the price -1000000000000" : "the price 1000000000000")}", output, StringComparison.Ordinal);
        Assert.Contains(reason, output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PriceFileReachingDecadesAhead_ExitsNamingTheFirstSlotBeyondTomorrow()
    {
        var path = Path.Combine(_folder, "ahead.csv");
        await File.WriteAllTextAsync(path, Csv(Yesterday, 24 * 10, _ => "50"));

        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "run", "--prices", path,
            "--http", $"127.0.0.1:{FreePort.Next()}", "--data", Path.Combine(_folder, "d"), "--mqtt-listen", $"127.0.0.1:{FreePort.Next()}");

        Assert.Equal(1, code);
        Assert.Contains("is beyond what the day-ahead market can have published", output, StringComparison.Ordinal);
    }

    [RequiresMosquittoFact]
    public async Task Run_RefusedMqttDocumentAndPoisonedLastGood_LoggedWithLinesAlarmedAndTheFileStands()
    {
        // A poisoned last-good.csv from an earlier run: an absurd price and a slot in 2057.
        var data = Path.Combine(_folder, "data");
        Directory.CreateDirectory(Path.Combine(data, "prices"));
        await File.WriteAllTextAsync(Path.Combine(data, "prices", "last-good.csv"),
            $"timestamp_utc,price_eur_per_mwh,published_utc\n{Yesterday.AddDays(1):yyyy-MM-ddTHH:mm:ssZ},1000000000000,{Yesterday:yyyy-MM-ddTHH:mm:ssZ}\n2057-01-01T00:00:00Z,-1000000000000,{Yesterday:yyyy-MM-ddTHH:mm:ssZ}\n");
        var path = Path.Combine(_folder, "prices.csv");
        await File.WriteAllTextAsync(path, Csv(Yesterday, 48, h => (50 + h).ToString(CultureInfo.InvariantCulture)));
        // Prices are a control topic: only an operator (or admin) may publish them on the embedded broker, a bad document even so.
        var operatorKey = await HeatGridUsers.AddAsync(data, "ops", "operator");
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", operatorKey);
        var port = FreePort.Next();
        var mqttPort = FreePort.Next();
        using var heatgrid = HeatGridProcess.Start("run", "--site", RepoPaths.Example("district-heat.yaml"), "--http", $"127.0.0.1:{port}",
            "--data", data, "--mqtt-listen", $"127.0.0.1:{mqttPort}", "--prices", path);

        var status = await StatusAsync(port, heatgrid, s => s.Contains("\"priceEurPerMwh\":", StringComparison.Ordinal) && !s.Contains("\"priceEurPerMwh\":null", StringComparison.Ordinal));
        var hour = (int)(DateTimeOffset.UtcNow - Yesterday).TotalHours;
        Assert.Contains($"\"priceEurPerMwh\":{50 + hour}", status, StringComparison.Ordinal);
        Assert.Contains("prices.lastGood", status, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(data, "prices", "last-good.csv.corrupt")));

        // Tomorrow at 1e12 over MQTT: refused, logged with its line, alarmed; the prices held stay.
        var update = Csv(Yesterday.AddDays(1), 24, h => h == 2 ? "1e12" : "-7.5");
        using (var pub = Process.Start(new ProcessStartInfo("/usr/bin/mosquitto_pub")
        {
            ArgumentList = { "-h", "127.0.0.1", "-p", mqttPort.ToString(CultureInfo.InvariantCulture), "-q", "1", "-i", "price-attacker", "-u", "ops", "-P", operatorKey,
                "-t", "heatgrid/district-heat/prices/day-ahead", "-m", update },
        })!)
        {
            await pub.WaitForExitAsync();
        }

        status = await StatusAsync(port, heatgrid, s => s.Contains("prices.refused", StringComparison.Ordinal));
        Assert.Contains("mqtt:heatgrid/district-heat/prices/day-ahead:4: the price 1000000000000 per MWh is outside the market's clearing-price limits", heatgrid.Output, StringComparison.Ordinal);
        Assert.Contains($"\"priceEurPerMwh\":{50 + (int)(DateTimeOffset.UtcNow - Yesterday).TotalHours}", status, StringComparison.Ordinal);
        Assert.DoesNotContain("-7.5", await File.ReadAllTextAsync(Path.Combine(data, "prices", "last-good.csv")), StringComparison.Ordinal);
        heatgrid.Signal("TERM");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5)), heatgrid.Output);
    }

    private static string Csv(DateTimeOffset start, int hours, Func<int, string> price)
    {
        var sb = new StringBuilder("timestamp_utc,price_eur_per_mwh\n");
        for (var h = 0; h < hours; h++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{start.AddHours(h):yyyy-MM-ddTHH:mm:ssZ},{price(h)}\n");
        }

        return sb.ToString();
    }

    private async Task<string> StatusAsync(int port, HeatGridProcess heatgrid, Func<string, bool> until)
    {
        var clock = Stopwatch.StartNew();
        var last = string.Empty;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            Assert.False(heatgrid.HasExited, heatgrid.Output);
            try
            {
                last = await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/status"));
                if (until(last))
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        Assert.Fail($"status did not come as expected within 20 s:\n{last}\n{heatgrid.Output}");
        return last;
    }
}
