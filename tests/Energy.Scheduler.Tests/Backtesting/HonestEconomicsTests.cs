using System.Text.Json;
using Energy.Contracts.Configuration;
using Energy.Contracts.Planning;
using Energy.Scheduler.Backtesting;
using Energy.Scheduler.Cli;
using Energy.Scheduler.Planning;

namespace Energy.Scheduler.Tests.Backtesting;

/// <summary>Perfect foresight as a checked upper bound, the value at stake, and what each limit costs.</summary>
public sealed class HonestEconomicsTests
{
    private static readonly DateTimeOffset From = new(2024, 12, 9, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = new(2024, 12, 14, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Run_HighPriceWeek_PerfectForesightBoundsEveryStrategy_AndTheCapturesAreReported()
    {
        var site = TestSites.Bathhouse();
        var result = Run(site);

        Assert.True(result.UpperBoundBreaches.Count == 0, string.Join("; ", result.UpperBoundBreaches.Select(b => $"{b.Strategy} +{b.Excess:0.###} (tol {result.UpperBoundTolerance:0.###}): " + string.Join(", ", b.Slots.Take(4).Select(g => $"{g.Start:MM-dd HH}Z {g.Gain:0.###}")))));
        Assert.All(result.Baselines.Prepend(result.HeatGrid), r => Assert.True(r.Profit <= result.PerfectForesight.Profit + result.UpperBoundTolerance, r.Name));
        Assert.Equal(0, result.HeatGrid.CapViolations);

        var ao = result.AlwaysOn.Profit;
        var best = result.Baselines.Max(b => b.Profit);
        Assert.Equal((result.HeatGrid.Profit - ao) / (result.PerfectForesight.Profit - ao), result.CaptureOfValueAtStake, 9);
        Assert.Equal((result.HeatGrid.Profit - best) / (result.PerfectForesight.Profit - best), result.CaptureVsBestRule, 9);
        Assert.True(result.CaptureVsBestRule > 0, $"HeatGrid should beat the best rule: {result.CaptureVsBestRule}");

        using var doc = JsonDocument.Parse(BacktestJson.Serialize(result, includeTimings: false));
        Assert.True(doc.RootElement.GetProperty("upperBound").GetProperty("holds").GetBoolean());
        Assert.Equal(Math.Round(result.CaptureOfValueAtStake, 6), doc.RootElement.GetProperty("captureOfValueAtStake").GetDouble(), 9);
        Assert.Equal(Math.Round(result.CaptureVsBestRule, 6), doc.RootElement.GetProperty("captureVsBestRule").GetDouble(), 9);
    }

    [Fact]
    public void PolicyCosts_PriceLimitOnAHighPriceWeek_MatchesABacktestWithTheLimitRaisedByHand()
    {
        var site = TestSites.Bathhouse();
        var result = Run(site);
        var price = Assert.Single(result.PolicyCosts, c => c.Limit == "priceLimit");
        Assert.Equal("policy.maxImportPricePerMwh", price.SiteFileKey);
        Assert.True(price.HoursBound >= 10, $"{price.HoursBound} h above 400 EUR/MWh all-in");
        Assert.True(price.Cost > 0, $"cost {price.Cost}");

        var raised = SiteFile.Parse(RunCommand.DemoSite().Replace("maxImportPricePerMwh: 400", "maxImportPricePerMwh: 100000", StringComparison.Ordinal), "raised.yaml").GetSiteOrThrow();
        var byHand = Run(raised, policyCosts: false);
        Assert.Equal(byHand.PerfectForesight.Profit - result.PerfectForesight.Profit, price.Cost, 3);
        Assert.Equal(byHand.PerfectForesight.Profit, price.RelaxedProfit, 3);
    }

    [Fact]
    public void UpperBound_APlannerThatBreaksIt_IsNamedWithTheSlots()
    {
        // A "perfect foresight" that plans nothing is beaten by always on: the backtest must call it a bug, not report it.
        var site = TestSites.Bathhouse();
        var series = BacktestSeriesLoader.Load(site, BacktestData.DeLuPrices, BacktestData.BavariaHeat);
        var options = new BacktestOptions { From = From, Until = From.AddDays(1), PolicyCosts = false };
        var result = new BacktestEngine(site, series, new NothingPlanner(), options).Run();

        var breach = Assert.Single(result.UpperBoundBreaches, b => b.Strategy == "always on");
        Assert.True(breach.Excess > result.UpperBoundTolerance);
        Assert.NotEmpty(breach.Slots);
        Assert.All(breach.Slots, g => Assert.True(g.Gain > 0));
        using var doc = JsonDocument.Parse(BacktestJson.Serialize(result, includeTimings: false));
        Assert.False(doc.RootElement.GetProperty("upperBound").GetProperty("holds").GetBoolean());
        Assert.Contains(doc.RootElement.GetProperty("upperBound").GetProperty("breaches").EnumerateArray(), b => b.GetProperty("strategy").GetString() == "always on");
    }

    private static BacktestResult Run(Energy.Contracts.Sites.Site site, bool policyCosts = true)
    {
        var series = BacktestSeriesLoader.Load(site, BacktestData.DeLuPrices, BacktestData.BavariaHeat);
        var options = new BacktestOptions { From = From, Until = Until, PolicyCosts = policyCosts, SlaFreePlanners = BacktestPlanners.SlaFree() };
        return new BacktestEngine(site, series, () => BacktestPlanners.Create(), options).Run();
    }

    private sealed class NothingPlanner : IPlanner
    {
        public string Name => "nothing";

        public Plan CreatePlan(PlanningInput input) => new(input.Site.Name, Name, input.Now, []);
    }
}
