using Energy.Contracts.Planning;
using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning;

namespace Energy.Scheduler.Tests.Planning;

/// <summary>
/// Property: whatever the prices (at the market's limits, far beyond them, alternating, mixed) and whatever the
/// curtailments (above, below or far below what idle GPUs draw), no planner plans a slot's site import above the cap
/// in force at that slot (the curtailment's, held the meter's margin below), except by what idle GPUs and the base
/// load need on their own. Prices outside the limits are refused before they reach a planner; the planner must hold
/// the cap even so. Seeded, so a failure names its run.
/// </summary>
public sealed class AbsurdPricesCapPropertyTests
{
    private const int Runs = 24;

    public static TheoryData<string> Planners => ["lp", "merit-order"];

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_AbsurdPricesAndCurtailments_NeverAboveTheCapInForce(string planner)
    {
        var sites = new[]
        {
            TestSites.Bathhouse(),
            TestSites.BathhouseWith("  maxImportPricePerMwh: 400      # above this all-in price only SLA work runs\n", string.Empty),
            TestSites.BathhouseWith("  rampLimitKwPerMinute: 300", "  rampLimitKwPerMinute: 5"),
        };
        var random = new Random(12);
        var checkedSlots = 0;
        for (var run = 0; run < Runs; run++)
        {
            var site = sites[run % sites.Length];
            var slots = 8 + random.Next(40);
            var prices = Prices(random, run % 6, slots);
            var input = PlanningInputs.Hourly(site, prices, heatDemandKw: random.NextDouble() * 900) with { Conditions = Curtailments(random, site, slots) };

            var plan = PlannerContractTests.Create(planner).CreatePlan(input);

            Assert.Equal(slots, plan.Slots.Count);
            var idleKw = site.Grid.BaseLoad.Kilowatts + new SiteLoad(site).IdleImport.Kilowatts;
            for (var i = 0; i < slots; i++)
            {
                var slot = plan.Slots[i];
                var capKw = input.ImportCapAt(i).Kilowatts;
                var allowedKw = Math.Max(capKw, idleKw);
                Assert.True(slot.GridImport.Kilowatts <= allowedKw + 1e-6,
                    $"run {run} ({planner}), slot {i} at {prices[i]} EUR/MWh: import {slot.GridImport} above the cap in force {capKw:0.###} kW (idle {idleKw:0.###} kW)");
                if (capKw >= idleKw)
                {
                    Assert.DoesNotContain(slot.Violations, v => v.Contains("over the cap", StringComparison.Ordinal));
                }

                checkedSlots++;
            }
        }

        Assert.True(checkedSlots > Runs * 8);
    }

    [Theory]
    [MemberData(nameof(Planners))]
    public void CreatePlan_AtTheSdacLimitsWithPenalties_HoldsAFarBelowCurtailmentExactly(string planner)
    {
        // −500 EUR/MWh with heat worth its shortfall penalty: every incentive says import; a curtailment to 400 kW says no.
        var site = TestSites.Bathhouse();
        var prices = Enumerable.Range(0, 24).Select(h => h % 2 == 0 ? PriceLimits.Sdac.MinPerMwh : PriceLimits.Sdac.MaxPerMwh).ToArray();
        var start = PlanningInputs.Start;
        var input = PlanningInputs.Hourly(site, prices, heatDemandKw: 900) with
        {
            Conditions = new PlanningConditions([new CapWindow(start, start.AddHours(24), Power.FromKilowatts(400), "test curtailment")], []),
        };

        var plan = PlannerContractTests.Create(planner).CreatePlan(input);

        Assert.All(plan.Slots, s => Assert.True(s.GridImport.Kilowatts <= 400 + 1e-6, $"{s.Start}: {s.GridImport}"));
        Assert.Contains(plan.Slots, s => s.GridImport.Kilowatts > 300);   // it does use what the curtailment leaves
    }

    private static double[] Prices(Random random, int kind, int slots) => kind switch
    {
        0 => [.. Enumerable.Range(0, slots).Select(_ => 1e12 * random.NextDouble())],
        1 => [.. Enumerable.Range(0, slots).Select(_ => -1e12 * random.NextDouble())],
        2 => [.. Enumerable.Range(0, slots).Select(i => i % 2 == 0 ? -1e12 : 1e12)],
        3 => [.. Enumerable.Range(0, slots).Select(i => i % 2 == 0 ? PriceLimits.Sdac.MinPerMwh : PriceLimits.Sdac.MaxPerMwh)],
        4 => [.. Enumerable.Range(0, slots).Select(_ => random.Next(3) switch { 0 => -500.0, 1 => 4000.0, _ => (random.NextDouble() * 300) - 50 })],
        _ => [.. Enumerable.Range(0, slots).Select(_ => Math.Pow(10, random.Next(13)) * (random.Next(2) == 0 ? -1 : 1))],
    };

    /// <summary>Zero to three curtailments over random spans, from 0 kW up to the contract cap, and a meter margin of up to 5 %.</summary>
    private static PlanningConditions Curtailments(Random random, Site site, int slots)
    {
        var windows = new List<CapWindow>();
        for (var n = random.Next(4); n > 0; n--)
        {
            var from = PlanningInputs.Start.AddMinutes(random.Next(slots * 60));
            var until = from.AddMinutes(30 + random.Next(slots * 60));
            windows.Add(new CapWindow(from, until, site.Grid.ImportCap * random.NextDouble(), "random curtailment"));
        }

        return new PlanningConditions(windows, []) { CapMargin = random.NextDouble() * 0.05 };
    }
}
