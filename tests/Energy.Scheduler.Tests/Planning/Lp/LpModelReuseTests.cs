using Energy.Contracts.Units;
using Energy.Scheduler.Cli.Bench;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Lp;

namespace Energy.Scheduler.Tests.Planning.Lp;

/// <summary>A re-used (rolling) LP model plans what a fresh model plans, input after input.</summary>
public sealed class LpModelReuseTests
{
    [Theory]
    [InlineData("CLP")]
    [InlineData("GLOP")]
    public void CreatePlan_RollingInputs_ReusedModelReachesTheFreshModelsOptimum(string reuseSolver)
    {
        var site = LpPlannerBench.Bathhouse();
        const int horizon = 96;
        var sequence = new RollingSequence(site, TimeSpan.FromMinutes(15), dataSlots: horizon + 60, horizon, seed: 3);
        var fresh = new LpPlanner(LpPlannerOptions.Default with { ReuseModel = false });
        var reused = new LpPlanner(LpPlannerOptions.Default with { ReuseSolverId = reuseSolver });
        var tank = site.HeatLoops[0].Storage!;

        // One slot at a time, a jump of three, the same slot twice, then the horizon shrinking at the end of the data.
        int[] steps = [.. Enumerable.Range(0, 21), 23, 24, 24, .. Enumerable.Range(25, 59 - 25 + 1), .. Enumerable.Range(60, 20)];
        var stored = sequence.InitialStored;
        int reusedPlans = 0, priceLimitSlots = 0, curtailedSlots = 0;
        foreach (var step in steps)
        {
            // Tank states from the plans, and now and then an empty or a full tank.
            if (step % 9 == 4)
            {
                stored = new Dictionary<string, EnergyAmount> { [site.HeatLoops[0].Name] = step % 2 == 0 ? EnergyAmount.Zero : tank.Capacity };
            }

            var input = sequence.Input(step, stored);
            var expected = fresh.CreatePlan(input);
            var expectedObjective = fresh.LastObjective;
            var actual = reused.CreatePlan(input);

            Assert.Equal(expected.Slots.Count, actual.Slots.Count);
            Assert.True(
                Math.Abs(reused.LastObjective - expectedObjective) <= 1e-6 * Math.Max(1, Math.Abs(expectedObjective)),
                $"step {step}: re-used objective {reused.LastObjective} != fresh {expectedObjective}");
            Assert.Equal(Allocations(expected.Slots[0]), Allocations(actual.Slots[0]));
            reusedPlans += reused.LastReused ? 1 : 0;
            priceLimitSlots += actual.Slots.Count(s => s.Explanations.Any(e => e.StartsWith("only SLA work runs", StringComparison.Ordinal)));
            curtailedSlots += Enumerable.Range(0, input.Prices.Prices.Count).Count(i => input.ImportCapAt(i) < site.Grid.ImportCap);
            stored = RollingSequence.StoredAfterFirstSlot(expected, stored);
        }

        // The sequence did what it claims: most plans re-used the model, price-limit and curtailed slots were planned.
        Assert.True(reusedPlans >= 55, $"only {reusedPlans} plans re-used the model");
        Assert.True(priceLimitSlots > 0);
        Assert.True(curtailedSlots > 0);
    }

    [Fact]
    public void CreatePlan_AnotherSiteInBetween_PlansEachSiteAsAFreshModelDoes()
    {
        var site = LpPlannerBench.Bathhouse();
        var other = site with { Grid = site.Grid with { ImportCap = Power.FromKilowatts(500) } };
        var sequence = new RollingSequence(site, TimeSpan.FromHours(1), dataSlots: 60, horizon: 48, seed: 5);
        var otherSequence = new RollingSequence(other, TimeSpan.FromHours(1), dataSlots: 60, horizon: 48, seed: 5);
        var fresh = new LpPlanner(LpPlannerOptions.Default with { ReuseModel = false });
        var reused = new LpPlanner();
        for (var step = 0; step < 8; step++)
        {
            foreach (var input in new[] { sequence.Input(step, sequence.InitialStored), sequence.Input(step, sequence.InitialStored), otherSequence.Input(step, otherSequence.InitialStored) })
            {
                fresh.CreatePlan(input);
                reused.CreatePlan(input);
                Assert.True(Math.Abs(reused.LastObjective - fresh.LastObjective) <= 1e-6 * Math.Max(1, Math.Abs(fresh.LastObjective)), $"step {step}");
            }
        }
    }

    [Fact]
    public void CreatePlan_CalledFromSeveralThreads_EachPlanIsTheFreshModelsPlan()
    {
        var site = LpPlannerBench.Bathhouse();
        var sequence = new RollingSequence(site, TimeSpan.FromHours(1), dataSlots: 80, horizon: 48, seed: 9);
        var inputs = Enumerable.Range(0, 24).Select(step => sequence.Input(step, sequence.InitialStored)).ToArray();
        var fresh = new LpPlanner(LpPlannerOptions.Default with { ReuseModel = false });
        var expected = inputs.Select(i => Allocations(fresh.CreatePlan(i).Slots[0])).ToArray();
        var shared = new LpPlanner();

        // One planner, planned from four threads at once: a call that finds it busy plans with a fresh model.
        var actual = new string[inputs.Length];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k => actual[k] = Allocations(shared.CreatePlan(inputs[k]).Slots[0]));

        Assert.Equal(expected, actual);
    }

    private static string Allocations(Energy.Contracts.Planning.PlanSlot slot) =>
        string.Join(", ", slot.Allocations.Select(a => $"{a.Pool}/{a.Workload}={a.Gpus}"));
}
