using Energy.Scheduler.Backtesting;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.MeritOrder;

namespace Energy.Scheduler.Tests.Backtesting;

public sealed class BaselineTests
{
    [Fact]
    public void AlwaysOn_RoomUnderTheCap_EveryGpuWorksAtItsPowerLimit()
    {
        // With room under the cap every GPU runs at full power; under the bathhouse's own cap whole GPUs are shed (OperatorRulesTests).
        var site = TestSites.BathhouseWith("importCapKw: 900", "importCapKw: 2000");
        var series = BacktestData.Hourly(Enumerable.Range(0, 72).Select(i => (i % 7) * 60.0 - 100).ToArray());
        var engine = new BacktestEngine(site, series, new MeritOrderPlanner());
        var run = engine.RunBaseline(new AlwaysOnBaseline(site), 0, series.Count);

        var fullKw = site.Pools.Sum(p => p.MaxPower.Kilowatts);
        Assert.All(run.Slots, s => Assert.Equal(fullKw, s.PowerByWorkloadKw.Sum(), 6));
        Assert.Equal(0, run.CapViolations);
    }

    [Fact]
    public void StrikePrice_CurtailsAfterNHighSlotsAndResumesAfterMLow()
    {
        var site = TestSites.Bathhouse();
        var policy = new StrikePriceBaseline(site, strikePerMwh: 100, curtailAfter: 3, resumeAfter: 2);
        double[] prices = [50, 150, 150, 50, 150, 150, 150, 50, 150, 50, 50, 50];
        var running = new List<bool>();
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < prices.Length; i++)
        {
            var allocations = policy.Decide(new BaselineSlot(start.AddHours(i), prices[i]));
            running.Add(allocations.Any(a => a.Workload == "mining"));
        }

        // On until three high slots in a row (slots 4-6), off from slot 7; a high slot resets the low count; on again after slots 9, 10.
        bool[] expected = [true, true, true, true, true, true, true, false, false, false, false, true];
        Assert.Equal(expected, running);
    }

    [Fact]
    public void StrikePrice_Curtailed_BoilerCarriesTheHeat()
    {
        var site = TestSites.Bathhouse();
        var series = BacktestData.Hourly(Enumerable.Repeat(500.0, 48).ToArray(), heatKw: 600);
        var engine = new BacktestEngine(site, series, new MeritOrderPlanner());
        var run = engine.RunBaseline(new StrikePriceBaseline(site, 100, 1, 1), 0, series.Count);

        Assert.All(run.Slots.Skip(1), s => Assert.Equal(0, s.PowerByWorkloadKw[1]));
        Assert.True(run.Slots[^1].BoilerKw > 0);
        Assert.Equal(0, run.UnmetHeatKwh);
    }
}
