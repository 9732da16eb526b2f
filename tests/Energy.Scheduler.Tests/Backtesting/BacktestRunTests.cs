using System.Text.Json;
using Energy.Scheduler.Backtesting;
using Energy.Scheduler.Cli;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.MeritOrder;

namespace Energy.Scheduler.Tests.Backtesting;

public sealed class BacktestRunTests
{
    private static readonly string[] RequiredFields =
    [
        "profitEur", "perfectForesightProfitEur", "ratioToPerfectForesight", "baselines", "gridCapViolations", "unmetHeatKwh",
        "heatDeliveredKwh", "energyImportedKwh", "replans", "solveMsP50", "solveMsP99", "wallSeconds",
    ];

    [Fact]
    public void Run_ThreeDaysOfDeLuPricesAndBavarianHeat_GivesTheSameJsonTwice()
    {
        var first = ThreeDays();
        var second = ThreeDays();
        Assert.Equal(first, second);

        using var doc = JsonDocument.Parse(first);
        foreach (var field in RequiredFields)
        {
            Assert.True(doc.RootElement.TryGetProperty(field, out _), $"missing {field}");
        }

        Assert.Equal(72, doc.RootElement.GetProperty("replans").GetInt32());
        Assert.Equal(0, doc.RootElement.GetProperty("gridCapViolations").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("baselines").GetArrayLength());
        Assert.All(doc.RootElement.GetProperty("baselines").EnumerateArray(), b => Assert.True(b.TryGetProperty("profitEur", out _)));
        var profit = doc.RootElement.GetProperty("profitEur").GetDouble();
        var perfect = doc.RootElement.GetProperty("perfectForesightProfitEur").GetDouble();
        Assert.True(profit > 0 && perfect > 0);
        Assert.Equal(profit / perfect, doc.RootElement.GetProperty("ratioToPerfectForesight").GetDouble(), 5);
    }

    [Fact]
    public void Run_HeatBalance_DeliveredPlusUnmetIsDemand()
    {
        var site = TestSites.Bathhouse();
        var series = BacktestSeriesLoader.Load(site, BacktestData.DeLuPrices, BacktestData.BavariaHeat);
        var options = new BacktestOptions { From = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero), Until = new DateTimeOffset(2024, 2, 3, 0, 0, 0, TimeSpan.Zero) };
        var result = new BacktestEngine(site, series, new MeritOrderPlanner(), options).Run();
        var demandKwh = result.HeatGrid.Slots.Sum(s => s.HeatDemandKw);
        Assert.Equal(demandKwh, result.HeatGrid.HeatDeliveredKwh + result.HeatGrid.UnmetHeatKwh, 6);
    }

    [Fact]
    public void Load_UsdPricesWithoutFx_FailsNamingBothCurrencies()
    {
        var site = TestSites.Bathhouse();
        var usd = BacktestData.Shared("prices_ercot_hb_hubavg_dam_2024_hourly.csv");
        var e = Assert.Throws<BacktestInputException>(() => BacktestSeriesLoader.Load(site, usd, BacktestData.BavariaHeat));
        Assert.Contains("USD", e.Message, StringComparison.Ordinal);
        Assert.Contains("EUR", e.Message, StringComparison.Ordinal);
        Assert.Contains("--fx", e.Message, StringComparison.Ordinal);

        var converted = BacktestSeriesLoader.Load(site, usd, BacktestData.BavariaHeat, fxRate: 0.5);
        Assert.Equal(16.62 * 0.5, converted.SpotPerMwh[0], 9);
    }

    [Fact]
    public void Command_UsdPricesWithoutFx_ExitsTwoWithTheMessage()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var request = new BacktestCommand.Request(Path.Combine(Energy.TestSupport.RepoPaths.Examples, "bathhouse.yaml"),
            BacktestData.Shared("prices_ercot_hb_hubavg_dam_2024_hourly.csv"), BacktestData.BavariaHeat, 1, null, null, null, null,
            Path.Combine(Path.GetTempPath(), "never.json"), null, BacktestPlanners.Default, "12:00", null);

        Assert.Equal(2, BacktestCommand.Run(request, stdout, stderr, redirected: true));
        Assert.Contains("give --fx", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Command_ThreeDays_WritesJsonReportAndProgressLines()
    {
        var folder = Path.Combine(Path.GetTempPath(), "heatgrid-bt-" + Guid.NewGuid().ToString("N"));
        var stdout = new StringWriter();
        var request = new BacktestCommand.Request(Path.Combine(Energy.TestSupport.RepoPaths.Examples, "bathhouse.yaml"),
            BacktestData.DeLuPrices, BacktestData.BavariaHeat, 1, BacktestData.Shared("weather_frankfurt_2024_hourly.csv"), "2024-03-04", "2024-03-06", null,
            Path.Combine(folder, "bt.json"), Path.Combine(folder, "report"), BacktestPlanners.Default, "12:00", null);
        try
        {
            Directory.CreateDirectory(folder);
            Assert.Equal(0, BacktestCommand.Run(request, stdout, new StringWriter(), redirected: true));
            Assert.True(File.Exists(Path.Combine(folder, "bt.json")));
            foreach (var file in new[] { "summary.md", "prices.png", "power.png", "heat.png", "tank.png", "profit.png" })
            {
                Assert.True(File.Exists(Path.Combine(folder, "report", file)), file);
            }

            Assert.Contains("calendar alignment", File.ReadAllText(Path.Combine(folder, "report", "summary.md")), StringComparison.Ordinal);
            var lines = stdout.ToString().Split('\n').Count(l => l.StartsWith("progress", StringComparison.Ordinal));
            Assert.InRange(lines, 15, 25);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string ThreeDays()
    {
        var site = TestSites.Bathhouse();
        var series = BacktestSeriesLoader.Load(site, BacktestData.DeLuPrices, BacktestData.BavariaHeat);
        var options = new BacktestOptions { From = new DateTimeOffset(2024, 3, 3, 23, 0, 0, TimeSpan.Zero), Until = new DateTimeOffset(2024, 3, 6, 23, 0, 0, TimeSpan.Zero) };
        return BacktestJson.Serialize(new BacktestEngine(site, series, new MeritOrderPlanner(), options).Run(), includeTimings: false);
    }
}
