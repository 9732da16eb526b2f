using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Backtesting;
using Energy.TestSupport;

namespace Energy.Scheduler.Tests.Backtesting;

/// <summary>The shared public data files and small hand-made series for backtest tests.</summary>
internal static class BacktestData
{
    public static string Shared(string file) => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", file));

    public static string DeLuPrices => Shared("prices_de_lu_2024_hourly.csv");

    public static string BavariaHeat => Shared("heat_bavaria_village_plant_2020_15min.csv");

    /// <summary>Hourly slots from 2024-01-01T00Z with the given prices and a flat heat demand.</summary>
    public static BacktestSeries Hourly(double[] prices, double heatKw = 300) =>
        new(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1), Currency.Eur, prices,
            Enumerable.Repeat(heatKw, prices.Length).ToArray(), null, []);

    public static string TempFile(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), "heatgrid-bt-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text);
        return path;
    }

    public static Site Bathhouse() => TestSites.Bathhouse();
}
