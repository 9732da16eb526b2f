using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Backtesting;
using Energy.Scheduler.Planning.MeritOrder;

namespace Energy.Scheduler.Tests.Backtesting;

/// <summary>
/// Every strategy obeys the operator's policy: for each limit, a case where a rule would gain by breaking it,
/// and the proof it does not (the same rule on a site without the limit earns more, and the limit held).
/// </summary>
public sealed class OperatorRulesTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PriceLimit_AboveIt_RulesRunOnlySlaWork_AndWouldEarnMoreWithoutIt()
    {
        // 600 EUR/MWh spot: 640 all-in, above the bathhouse's 400 limit. The tenant still pays 2.10 per GPU-hour
        // (break-even ~2,880 EUR/MWh), so a rule breaking the limit would gain.
        var site = TestSites.Bathhouse();
        var series = BacktestData.Hourly(Enumerable.Repeat(600.0, 24).ToArray());
        var limited = Baseline(site, series, new AlwaysOnBaseline(site));
        var free = Site(site, s => s with { Policy = s.Policy with { MaxImportPrice = null } });
        var unlimited = Baseline(free, series, new AlwaysOnBaseline(free));

        Assert.True(unlimited.Profit > limited.Profit + 1_000, $"breaking the limit would gain: {unlimited.Profit:0} vs {limited.Profit:0}");
        var tenant = Index(site, "acme-inference");
        var sla = ((InferenceWorkload)site.Workloads[tenant]).SlaMinGpus;
        Assert.All(limited.Slots, s =>
        {
            Assert.True(s.Limits.HasFlag(PolicyLimits.PriceLimit));
            Assert.Equal(sla * 0.7, s.PowerByWorkloadKw[tenant], 6);                 // the SLA's GPUs at 700 W
            Assert.Equal(0, s.PowerByWorkloadKw[Index(site, "mining")]);
            Assert.Equal(0, s.PowerByWorkloadKw[Index(site, "heater")]);
        });
    }

    [Fact]
    public void GridCap_BaseLoadIncluded_RulesShedWholeGpusInShedOrder_AndWouldEarnMoreAboveIt()
    {
        // Cheap power: every GPU wants to work. The bathhouse's 900 kW cap (60 kW base load) cannot carry them all.
        var site = TestSites.Bathhouse();
        var series = BacktestData.Hourly(Enumerable.Repeat(-50.0, 24).ToArray());
        var capped = Baseline(site, series, new AlwaysOnBaseline(site));
        var big = Site(site, s => s with { Grid = s.Grid with { ImportCap = Power.FromKilowatts(5_000) } });
        var uncapped = Baseline(big, series, new AlwaysOnBaseline(big));

        Assert.True(uncapped.Profit > capped.Profit + 10, $"breaking the cap would gain: {uncapped.Profit:0} vs {capped.Profit:0}");
        Assert.Equal(0, capped.CapViolations);
        var tenant = Index(site, "acme-inference");
        Assert.All(capped.Slots, s =>
        {
            Assert.True(s.GridImportKw <= 900 + 1e-6, $"import {s.GridImportKw} kW");
            Assert.True(s.Limits.HasFlag(PolicyLimits.GridCap));
            // Mining is shed first: the tenant keeps what it wants.
            Assert.Equal(site.Workloads.OfType<InferenceWorkload>().Single().DemandAt(s.Start, site.TimeZone) * 0.7, s.PowerByWorkloadKw[tenant], 6);
        });
    }

    [Fact]
    public void Ramp_RulesRiseNoFasterThanTheLimit_AndWouldEarnMoreJumping()
    {
        // Expensive, then free power: the strike rule switches mining back on in one step, unless the ramp limit holds it.
        var site = Site(TestSites.BathhouseWith("rampLimitKwPerMinute: 300", "rampLimitKwPerMinute: 2"), s => s);
        var prices = Enumerable.Repeat(300.0, 4).Concat(Enumerable.Repeat(-50.0, 8)).ToArray();
        var series = BacktestData.Hourly(prices);
        var ramped = Baseline(site, series, new StrikePriceBaseline(site, 100, 1, 1));
        var free = Site(site, s => s with { Policy = s.Policy with { RampLimitPerMinute = null } });
        var jumping = Baseline(free, series, new StrikePriceBaseline(free, 100, 1, 1));

        Assert.True(jumping.Profit > ramped.Profit + 1, $"jumping would gain: {jumping.Profit:0} vs {ramped.Profit:0}");
        Assert.Contains(ramped.Slots, s => s.Limits.HasFlag(PolicyLimits.Ramp));
        for (var k = 1; k < ramped.Slots.Count; k++)
        {
            var change = Math.Abs(ramped.Slots[k].GridImportKw - ramped.Slots[k - 1].GridImportKw);
            Assert.True(change <= (2 * 60) + 1e-6, $"slot {k}: import changed by {change:0.#} kW in an hour (limit 120)");
        }
    }

    [Fact]
    public void Dwell_GpusStartedRecentlyAreNotMovedToOtherWork_AndMovingThemWouldEarnMore()
    {
        // Quarter-hour slots, 60 min dwell. At 07:00 local the tenant wants 80 more GPUs; every GPU has mined since
        // 06:30 only, so those GPUs may go idle but not to the tenant until 07:30.
        var site = Site(TestSites.Bathhouse(), s => s with { Policy = s.Policy with { MinDwell = TimeSpan.FromMinutes(60) } });
        var from = new DateTimeOffset(2024, 1, 1, 5, 30, 0, TimeSpan.Zero);      // 06:30 Berlin
        var series = new BacktestSeries(from, TimeSpan.FromMinutes(15), Currency.Eur, Enumerable.Repeat(20.0, 8).ToArray(),
            Enumerable.Repeat(300.0, 8).ToArray(), null, []);
        var big = Site(site, s => s with { Grid = s.Grid with { ImportCap = Power.FromKilowatts(5_000) } });
        var held = Baseline(big, series, new AlwaysOnBaseline(big));
        var free = Site(big, s => s with { Policy = s.Policy with { MinDwell = TimeSpan.Zero } });
        var moved = Baseline(free, series, new AlwaysOnBaseline(free));

        Assert.True(moved.Profit > held.Profit + 1, $"moving would gain: {moved.Profit:0} vs {held.Profit:0}");
        var tenant = Index(site, "acme-inference");
        var at0700 = 2;   // 07:00 local
        Assert.True(held.Slots[at0700].Limits.HasFlag(PolicyLimits.Dwell));
        Assert.Equal(160 * 0.7, held.Slots[at0700].PowerByWorkloadKw[tenant], 6);   // still its 06:00 demand
        Assert.Equal(240 * 0.7, moved.Slots[at0700].PowerByWorkloadKw[tenant], 6);
        Assert.Equal(160 * 0.7, held.Slots[3].PowerByWorkloadKw[tenant], 6);       // 07:15: still held
        Assert.Equal(240 * 0.7, held.Slots[4].PowerByWorkloadKw[tenant], 6);       // 07:30: an hour since they started mining, moved
    }

    [Fact]
    public void Sla_AtAnyPrice_RulesKeepTheTenantsSlaGpus_AndWouldEarnMoreDroppingThem()
    {
        // 4,000 EUR/MWh: the tenant's GPUs cost more than they earn; with no price limit the rule keeps all it wants,
        // and a cap below its SLA cannot shed SLA inference (not in the shed order): the cap is reported broken instead.
        var site = Site(TestSites.Bathhouse(), s => s with { Policy = s.Policy with { MaxImportPrice = null } });
        var series = BacktestData.Hourly(Enumerable.Repeat(4_000.0, 6).ToArray());
        var kept = Baseline(site, series, new StrikePriceBaseline(site, 100, 1, 1));
        var tenant = Index(site, "acme-inference");
        var sla = ((InferenceWorkload)site.Workloads[tenant]).SlaMinGpus;
        Assert.All(kept.Slots, s => Assert.True(s.PowerByWorkloadKw[tenant] >= (sla * 0.7) - 1e-6));

        var tight = Site(site, s => s with { Grid = s.Grid with { ImportCap = Power.FromKilowatts(120) } });
        var capped = Baseline(tight, series, new StrikePriceBaseline(tight, 100, 1, 1));
        Assert.All(capped.Slots, s => Assert.Equal(sla * 0.7, s.PowerByWorkloadKw[tenant], 6));
        Assert.Equal(capped.Slots.Count, capped.CapViolations);
    }

    [Fact]
    public void Rules_PassThroughAPlanThatObeysThePolicy()
    {
        var site = TestSites.Bathhouse();
        var rules = new OperatorRules(site, TimeSpan.FromHours(1));
        var plan = new[] { new Contracts.Planning.PoolAllocation("liquid-h100", "acme-inference", Power.FromWatts(700 * 100), 100) };
        var (allowed, limits) = rules.Apply(Start, 50, plan);

        Assert.Equal(PolicyLimits.None, limits);
        var only = Assert.Single(allowed);
        Assert.Equal(100, only.Gpus);
        Assert.Equal(700 * 100, only.Power.Watts, 6);
    }

    private static BacktestRun Baseline(Site site, BacktestSeries series, IBaselinePolicy policy) =>
        new BacktestEngine(site, series, new MeritOrderPlanner()).RunBaseline(policy, 0, series.Count);

    private static Site Site(Site site, Func<Site, Site> change) => change(site);

    private static int Index(Site site, string workload) => site.Workloads.Select(w => w.Name).ToList().IndexOf(workload);
}
