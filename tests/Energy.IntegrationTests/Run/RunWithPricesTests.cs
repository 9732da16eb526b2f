using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Run;

/// <summary><c>heatgrid run --prices FILE</c>: real day-ahead prices in, planned on; bad files stop it before anything starts.</summary>
public sealed class RunWithPricesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-prices-run-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [RequiresMosquittoFact]
    public async Task Run_PriceFileCoveringNow_PlansOnItsPricesAndTakesUpdatesOverMqtt()
    {
        // Yesterday and today, hourly: today's prices were published yesterday at noon, so they count now.
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1), TimeSpan.Zero);
        var prices = Csv(start, 48, h => 50 + h);
        var path = Path.Combine(_folder, "prices.csv");
        await File.WriteAllTextAsync(path, prices);
        var port = FreePort.Next();
        var mqttPort = FreePort.Next();

        // Prices are a control topic: only an operator (or admin) may publish them on the embedded broker.
        var operatorKey = await HeatGridUsers.AddAsync(Path.Combine(_folder, "data"), "ops", "operator");
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", operatorKey);
        using var heatgrid = HeatGridProcess.Start("run", "--site", RepoPaths.Example("district-heat.yaml"), "--http", $"127.0.0.1:{port}",
            "--data", Path.Combine(_folder, "data"), "--mqtt-listen", $"127.0.0.1:{mqttPort}", "--prices", path);

        var status = await StatusAsync(port, heatgrid);
        var hour = (int)(DateTimeOffset.UtcNow - start).TotalHours;
        Assert.Equal(50 + hour, status.GetProperty("priceEurPerMwh").GetDouble());

        // A republished day over MQTT is merged and kept for the next start.
        var update = Csv(start.AddDays(1), 24, _ => -7.5);
        using var pub = Process.Start(new ProcessStartInfo("/usr/bin/mosquitto_pub")
        {
            ArgumentList = { "-h", "127.0.0.1", "-p", mqttPort.ToString(CultureInfo.InvariantCulture), "-q", "1", "-i", "price-publisher", "-u", "ops", "-P", operatorKey,
                "-t", "heatgrid/district-heat/prices/day-ahead", "-m", update },
        })!;
        await pub.WaitForExitAsync();
        var lastGood = Path.Combine(_folder, "data", "prices", "last-good.csv");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && !(File.Exists(lastGood) && (await File.ReadAllTextAsync(lastGood)).Contains("-7.5", StringComparison.Ordinal)))
        {
            await Task.Delay(100);
        }

        Assert.Contains("-7.5", await File.ReadAllTextAsync(lastGood), StringComparison.Ordinal);
        heatgrid.Signal("TERM");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5)), heatgrid.Output);
    }

    [Fact]
    public async Task Run_BrokenPriceFile_ExitsWithLineNumberedErrors()
    {
        var path = Path.Combine(_folder, "broken.csv");
        await File.WriteAllTextAsync(path, "timestamp_utc,price_eur_per_mwh\n2024-01-01T00:00:00Z,50\n2024-01-01T01:00:00Z,cheap\n");

        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "run", "--prices", path,
            "--http", $"127.0.0.1:{FreePort.Next()}", "--data", Path.Combine(_folder, "d"), "--mqtt-listen", $"127.0.0.1:{FreePort.Next()}");

        Assert.Equal(1, code);
        Assert.Contains($"{path}:3", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PricesInAnotherCurrency_ExitsAndSaysToConvert()
    {
        var path = Path.Combine(_folder, "usd.csv");
        await File.WriteAllTextAsync(path, Csv(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), 24, _ => 30).Replace("price_eur_per_mwh", "price_usd_per_mwh", StringComparison.Ordinal));

        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "run", "--prices", path,
            "--http", $"127.0.0.1:{FreePort.Next()}", "--data", Path.Combine(_folder, "d"), "--mqtt-listen", $"127.0.0.1:{FreePort.Next()}");

        Assert.Equal(1, code);
        Assert.Contains("in USD, the site's currency is EUR", output, StringComparison.Ordinal);
    }

    private static string Csv(DateTimeOffset start, int hours, Func<int, double> price)
    {
        var sb = new StringBuilder("timestamp_utc,price_eur_per_mwh\n");
        for (var h = 0; h < hours; h++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{start.AddHours(h):yyyy-MM-ddTHH:mm:ssZ},{price(h)}\n");
        }

        return sb.ToString();
    }

    private async Task<JsonElement> StatusAsync(int port, HeatGridProcess heatgrid)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            Assert.False(heatgrid.HasExited, heatgrid.Output);
            try
            {
                using var doc = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/status")));
                if (doc.RootElement.GetProperty("priceEurPerMwh").ValueKind == JsonValueKind.Number)
                {
                    return doc.RootElement.Clone();
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

        Assert.Fail("no priced status within 20 s:\n" + heatgrid.Output);
        return default;
    }
}
