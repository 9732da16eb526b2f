using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Backtesting;
using Energy.Scheduler.Cli;
using Energy.Scheduler.Planning;
using Energy.TestSupport;

namespace Energy.Scheduler.Tests.Backtesting;

/// <summary>The mining-value series: its loader's errors, the value per MWh it gives, and what it does to a backtest.</summary>
public sealed class MiningValueSeriesTests
{
    private static readonly DateTimeOffset Jan1 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string Hashprice2024 => Path.Combine(RepoPaths.Root, "ops", "data", "hashprice_usd_2024.csv");

    [Theory]
    [InlineData("timestamp_utc,price\n2024-01-01T00:00:00Z,1\n", ":1: no mining value column among 'timestamp_utc,price'")]
    [InlineData("time,hashprice_usd_per_th_day\n", ":1: the first column is 'time'")]
    [InlineData("timestamp_utc,hashprice_usd_per_th_day\n2024-01-01T00:00:00Z,0.05\nyesterday,0.05\n", ":3: 'yesterday' is not an ISO-8601 UTC timestamp")]
    [InlineData("timestamp_utc,hashprice_usd_per_th_day\n2024-01-01T00:00:00Z,0.05\n2024-01-01T01:00:00Z,lots\n", ":3: 'lots' is not a finite number")]
    [InlineData("timestamp_utc,hashprice_usd_per_th_day\n2024-01-02T00:00:00Z,0.05\n2024-01-01T00:00:00Z,0.05\n", ":3: 2024-01-01T00:00:00Z is not after the row before")]
    [InlineData("timestamp_utc,hashprice_usd_per_th_day\n2024-01-01T00:00:00Z,-0.05\n", "is negative; mining earns zero or more")]
    [InlineData("timestamp_utc,value_eur_per_mwh\n", "no rows after the header")]
    [InlineData("timestamp_utc,value_eur_per_mwh\n2024-01-01T00:00:00Z,\n", "every 'value_eur_per_mwh' cell is empty")]
    public void Read_BadFile_NamesFileLineAndWhy(string text, string expected)
    {
        var path = BacktestData.TempFile(text);
        var e = Assert.Throws<MiningValueException>(() => MiningValueSeries.Read(path));
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ValueInForce_HeldUntilTheNextRowAndOverGaps()
    {
        var series = MiningValueSeries.Read(BacktestData.TempFile(
            "timestamp_utc,value_eur_per_mwh\n2024-01-01T00:00:00Z,10\n2024-01-01T06:00:00Z,\n2024-01-02T00:00:00Z,20\n2024-01-05T00:00:00Z,30\n"));

        Assert.Equal((MiningValueUnit.ValuePerMwh, "EUR"), (series.Unit, series.Currency.Code));
        Assert.Null(series.At(Jan1.AddHours(-1)));
        Assert.Equal(10, series.At(Jan1));
        Assert.Equal(10, series.At(Jan1.AddHours(7)));     // the empty cell is a gap: the value before holds
        Assert.Equal(20, series.At(Jan1.AddDays(1)));
        Assert.Equal(30, series.At(Jan1.AddDays(30)));
        Assert.Equal(["2024-01-02T00:00Z..2024-01-05T00:00Z"], series.Gaps());
    }

    [Fact]
    public void PerMwhFactor_Hashprice_UsesThePoolsHashRateAndTheExplicitRate()
    {
        var site = TestSites.Bathhouse();
        var mining = site.Workloads.OfType<MiningWorkload>().Single();
        var h100 = site.Pools.Single(p => p.Name == "liquid-h100");
        var series = MiningValueSeries.Read(BacktestData.TempFile("timestamp_utc,hashprice_usd_per_th_day\n2024-01-01T00:00:00Z,0.05\n"));

        var e = Assert.Throws<MiningValueException>(() => series.PerMwhFactor(site.Currency, mining, h100, null, "--mining-fx"));
        Assert.Contains("the mining value is in USD, but the site accounts in EUR: give --mining-fx RATE (EUR per USD)", e.Message, StringComparison.Ordinal);

        // 8.1 GH/s at 390 W (modelled H100): 0.0081 TH/s over 0.00936 MWh a day, at 0.9 EUR/USD.
        Assert.Equal(0.9 * 0.0081 / 0.00936, series.PerMwhFactor(site.Currency, mining, h100, 0.9, "--mining-fx"), 9);
        Assert.Throws<MiningValueException>(() => series.PerMwhFactor(site.Currency, mining, h100, -1, "--mining-fx"));
    }

    [Fact]
    public void PerMwhFactor_GpuWithoutModelOrSiteRate_ErrorSaysWhatToGive()
    {
        var site = TestSites.BathhouseWith("gpuModel: L40S 48GB", "gpuModel: Mystery 9000");
        var mining = site.Workloads.OfType<MiningWorkload>().Single();
        var series = MiningValueSeries.Read(BacktestData.TempFile("timestamp_utc,hashprice_eur_per_th_day\n2024-01-01T00:00:00Z,0.05\n"));

        var e = Assert.Throws<MiningValueException>(() => series.PerMwhFactor(site.Currency, mining, site.Pools.Single(p => p.Name == "air-l40s"), null, "--mining-fx"));
        Assert.Contains("give hashRateGhPerGpu (and hashPowerW) on workload 'mining'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Align_BeforeAfterAndGaps_SaidInTheNotes()
    {
        var site = TestSites.Bathhouse();
        var mining = site.Workloads.OfType<MiningWorkload>().Single();
        var series = MiningValueSeries.Read(BacktestData.TempFile("timestamp_utc,value_eur_per_mwh\n2024-01-02T00:00:00Z,5\n2024-01-06T00:00:00Z,7\n"));
        var notes = new List<string>();

        var values = MiningValueAlignment.Align(site, [(mining, series, null, "--mining-fx")], Jan1, 24 * 10, TimeSpan.FromHours(1), notes);

        var h100 = values[("mining", "liquid-h100")];
        Assert.Equal(5, h100[0]);          // before the series: its first value
        Assert.Equal(5, h100[24 * 4]);
        Assert.Equal(7, h100[24 * 9]);
        Assert.Equal(h100, values[("mining", "air-l40s")]);
        Assert.Contains(notes, n => n.StartsWith("24 slots before the mining value series starts", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("96 slots more than a day after the mining value series ends", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("The mining value series has 1 gaps longer than 2 days", StringComparison.Ordinal));
    }

    [Fact]
    public void Align_SeriesOutsideThePeriod_Error()
    {
        var site = TestSites.Bathhouse();
        var mining = site.Workloads.OfType<MiningWorkload>().Single();
        var series = MiningValueSeries.Read(BacktestData.TempFile("timestamp_utc,value_eur_per_mwh\n2025-03-01T00:00:00Z,5\n"));

        var e = Assert.Throws<BacktestInputException>(() => MiningValueAlignment.Align(site, [(mining, series, null, "x")], Jan1, 48, TimeSpan.FromHours(1), []));
        Assert.Contains("which does not overlap the backtest's 2024-01-01..2024-01-03", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_With2024Hashprices_MiningOffInEverySlot_WithoutItMiningRuns()
    {
        var site = TestSites.Bathhouse();
        var options = new BacktestOptions { From = new DateTimeOffset(2024, 1, 7, 23, 0, 0, TimeSpan.Zero), Until = new DateTimeOffset(2024, 1, 10, 23, 0, 0, TimeSpan.Zero) };
        var mining = site.Workloads.ToList().FindIndex(w => w is MiningWorkload);

        var hashprice = BacktestSeriesLoader.Load(site, BacktestData.DeLuPrices, BacktestData.BavariaHeat, miningValuePath: Hashprice2024, miningFx: 0.92);
        Assert.Contains(hashprice.Notes, n => n.StartsWith("Mining value of mining on liquid-h100: hashprice_usd_per_th_day", StringComparison.Ordinal));
        var off = new BacktestEngine(site, hashprice, () => BacktestPlanners.Create(BacktestPlanners.Default), options).Run();

        Assert.Equal(72, off.HeatGrid.Slots.Count);
        Assert.All(off.HeatGrid.Slots, s => Assert.Equal(0, s.PowerByWorkloadKw[mining]));
        Assert.All(off.PerfectForesight.Slots, s => Assert.Equal(0, s.PowerByWorkloadKw[mining]));
        Assert.Equal(0, off.HeatGrid.Slots.Sum(s => s.MiningRevenue));

        var constant = BacktestSeriesLoader.Load(site, BacktestData.DeLuPrices, BacktestData.BavariaHeat);
        var on = new BacktestEngine(site, constant, () => BacktestPlanners.Create(BacktestPlanners.Default), options).Run();
        Assert.True(on.HeatGrid.Slots.Count(s => s.PowerByWorkloadKw[mining] > 0) > 10, "the ticket's 110 EUR/MWh runs mining in cheap hours");
    }

    [Fact]
    public void Backtest_With2024Hashprices_MiningIsOffInEverySlot_EvenWherePowerIsFree()
    {
        // Early April 2024: spot near or below zero, where GPU heat is worth more than the power and (below -40 EUR/MWh
        // spot) the all-in price is negative. SHA-256d at ~0.05 EUR/MWh is below the workload's minimum value (1 EUR/MWh):
        // no strategy mines; the heater takes the power where it is worth drawing.
        var site = TestSites.Bathhouse();
        var options = new BacktestOptions { From = new DateTimeOffset(2024, 4, 5, 22, 0, 0, TimeSpan.Zero), Until = new DateTimeOffset(2024, 4, 7, 22, 0, 0, TimeSpan.Zero), PolicyCosts = false };
        var mining = site.Workloads.ToList().FindIndex(w => w is MiningWorkload);
        var heater = site.Workloads.ToList().FindIndex(w => w is HeaterWorkload);
        var hashprice = BacktestSeriesLoader.Load(site, BacktestData.DeLuPrices, BacktestData.BavariaHeat, miningValuePath: Hashprice2024, miningFx: 0.92);

        var result = new BacktestEngine(site, hashprice, () => BacktestPlanners.Create(BacktestPlanners.Default), options).Run();

        foreach (var run in result.Baselines.Prepend(result.PerfectForesight).Prepend(result.HeatGrid))
        {
            Assert.All(run.Slots, s => Assert.Equal(0, s.PowerByWorkloadKw[mining]));
            Assert.Equal(0, run.Slots.Sum(s => s.MiningRevenue));
        }

        Assert.Contains(result.PerfectForesight.Slots, s => s.PowerByWorkloadKw[heater] > 0);
    }

    [Fact]
    public void Backtest_SiteFileValueSeries_UsedWithoutTheOption()
    {
        var path = BacktestData.TempFile("timestamp_utc,value_eur_per_mwh\n2024-01-01T00:00:00Z,0\n2024-01-09T00:00:00Z,1000\n");
        var site = TestSites.BathhouseWith("revenuePerUnit: 0.0011", $"revenuePerUnit: 0.0011\n    valueSeries: {path}");

        var series = BacktestSeriesLoader.Load(site, BacktestData.DeLuPrices, BacktestData.BavariaHeat);

        var values = series.MiningValuePerMwh[("mining", "liquid-h100")];
        var jan9 = (int)((new DateTimeOffset(2024, 1, 9, 0, 0, 0, TimeSpan.Zero) - series.Start) / series.SlotLength);
        Assert.Equal(0, values[jan9 - 1]);
        Assert.Equal(1000, values[jan9]);
        Assert.Equal(1000, series.MiningValueAt(site.Workloads.OfType<MiningWorkload>().Single(), site.Pools[0], series.SpotPerMwh.Length - 1));
    }

    [Fact]
    public void Load_MiningFxWithoutMiningValue_Error()
    {
        var e = Assert.Throws<BacktestInputException>(() => BacktestSeriesLoader.Load(TestSites.Bathhouse(), BacktestData.DeLuPrices, BacktestData.BavariaHeat, miningFx: 0.9));
        Assert.Contains("--mining-fx converts the currency of --mining-value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_MiningValueInUsdWithoutMiningFx_ExitsTwoWithTheMessage()
    {
        var stderr = new StringWriter();
        var request = new BacktestCommand.Request(Path.Combine(RepoPaths.Examples, "bathhouse.yaml"), BacktestData.DeLuPrices, BacktestData.BavariaHeat, 1, null,
            "2024-01-08", "2024-01-08", null, Path.Combine(Path.GetTempPath(), "never.json"), null, BacktestPlanners.Default, "12:00", null)
        {
            MiningValue = Hashprice2024,
        };

        Assert.Equal(2, BacktestCommand.Run(request, new StringWriter(), stderr, redirected: true));
        Assert.Contains("hashprice_usd_2024.csv: the mining value is in USD, but the site accounts in EUR: give --mining-fx RATE", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Hashprice2024_CoversTheYearAtGpuValuesNearNothing()
    {
        var series = MiningValueSeries.Read(Hashprice2024);
        Assert.Equal(Jan1, series.First);
        Assert.Equal(new DateTimeOffset(2024, 12, 31, 23, 0, 0, TimeSpan.Zero), series.Last);
        Assert.Empty(series.Gaps());

        // Quoted points (reference_btc_hashprice_points.csv, USD per PH/s per day): within 4 %.
        Assert.Equal(0.1086, series.At(new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.Zero))!.Value, 0.004);
        Assert.Equal(0.044842, series.At(new DateTimeOffset(2024, 7, 4, 10, 0, 0, TimeSpan.Zero))!.Value, 0.0018);
        Assert.Equal(0.05521, series.At(new DateTimeOffset(2024, 12, 23, 0, 0, 0, TimeSpan.Zero))!.Value, 0.0022);

        // The halving (2024-04-20) halves the subsidy.
        var before = series.At(new DateTimeOffset(2024, 4, 19, 23, 0, 0, TimeSpan.Zero))!.Value;
        var after = series.At(new DateTimeOffset(2024, 4, 20, 1, 0, 0, TimeSpan.Zero))!.Value;
        Assert.InRange(after / before, 0.45, 0.55);

        var pool = new GpuPool("p", "H100 SXM 80GB", 1, Power.FromWatts(200), Power.FromWatts(80), Power.FromWatts(700), null, 0);
        var best = Sha256dModel.For(pool)!.ValuePerMwh(series.Values.Max(), pool);
        Assert.InRange(best, 0.01, 0.2);   // USD per MWh of GPU energy: at the year's best hashprice, under 20 cents
    }
}
