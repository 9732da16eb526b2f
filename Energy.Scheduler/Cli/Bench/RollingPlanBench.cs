using System.Diagnostics;
using System.Globalization;
using Energy.Contracts.Planning;
using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Lp;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// A rolling horizon as a backtest rolls it, for a `heatgrid bench backtest` verb (not a test): the
/// bathhouse re-planned once per slot over 48 h, the tank carried from plan to plan, with price-limit
/// slots, negative prices, a daily curtailment, mining values that change and a horizon that shrinks at
/// the end of the data. The fresh-model LP planner (the baseline) and the re-used model run the same
/// sequence in the same process. Synthetic, seeded data.
/// </summary>
public static class RollingPlanBench
{
    public static void Run(TextWriter? output = null, int replans = 672, TimeSpan? slot = null, bool reusedOnly = false, string solver = "CLP")
    {
        var o = output ?? Console.Out;
        var length = slot ?? TimeSpan.FromMinutes(15);
        var site = LpPlannerBench.Bathhouse();
        var horizon = (int)(TimeSpan.FromHours(48) / length);
        var shrinking = Math.Min(replans, horizon / 4);
        var sequence = new RollingSequence(site, length, replans - shrinking + horizon, horizon, seed: 7);

        // Warm the native library up; then, input by input, the baseline and the re-used model plan the
        // same input (the tank carried on from the baseline's plan), each timed on its own.
        new LpPlanner(LpPlannerOptions.Default with { ReuseModel = false }).CreatePlan(sequence.Input(0, sequence.InitialStored));
        var freshPlanner = reusedOnly ? null : new LpPlanner(LpPlannerOptions.Default with { ReuseModel = false });
        var reusedPlanner = new LpPlanner(LpPlannerOptions.Default with { ReuseSolverId = solver });
        var fresh = new Result();
        var reused = new Result();
        var worst = 0.0;
        var stored = sequence.InitialStored;
        for (var step = 0; step < replans; step++)
        {
            var input = sequence.Input(step, stored);
            var plan = Measure(reusedPlanner, input, reused);
            if (freshPlanner is not null)
            {
                plan = Measure(freshPlanner, input, fresh);
                worst = Math.Max(worst, Math.Abs(freshPlanner.LastObjective - reusedPlanner.LastObjective) / Math.Max(1, Math.Abs(freshPlanner.LastObjective)));
            }

            stored = RollingSequence.StoredAfterFirstSlot(plan, stored);
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bathhouse, {length.TotalMinutes:0}-minute slots, {horizon}-slot horizon, {replans} re-plans (the last {shrinking} with a shrinking horizon, planned by fresh models either way); re-used model solved by {solver}:"));
        foreach (var (name, r) in freshPlanner is null ? [("re-used model", reused)] : new[] { ("fresh model (baseline)", fresh), ("re-used model", reused) })
        {
            r.Sort();
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-22}: plan p50 {P(r.PlanMs, 0.5):0.00} ms, p99 {P(r.PlanMs, 0.99):0.00} ms (build/load p50 {P(r.BuildMs, 0.5):0.00} ms, solver p50 {P(r.SolverMs, 0.5):0.00} ms, reading p50 {P(r.ReadMs, 0.5):0.00} ms), iterations p50 {P(r.Iterations, 0.5):0}; total {r.TotalSeconds:0.00} s wall, {r.CpuSeconds:0.00} s CPU"));
        }

        if (freshPlanner is not null)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ratio fresh / re-used: total {fresh.TotalSeconds / reused.TotalSeconds:0.0}x wall, {fresh.CpuSeconds / reused.CpuSeconds:0.0}x CPU, plan p50 {P(fresh.PlanMs, 0.5) / P(reused.PlanMs, 0.5):0.0}x; largest relative difference of the LP objective {worst:0.0e0}"));
        }
    }

    private static Plan Measure(LpPlanner planner, PlanningInput input, Result result)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var started = Stopwatch.GetTimestamp();
        var plan = planner.CreatePlan(input);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        result.CpuSeconds += (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        result.PlanMs.Add(ms);
        result.BuildMs.Add(planner.LastBuildTime.TotalMilliseconds);
        result.SolverMs.Add(planner.LastSolverTime.TotalMilliseconds);
        result.ReadMs.Add(ms - planner.LastSolveTime.TotalMilliseconds);
        result.Iterations.Add(planner.LastIterations);
        result.TotalSeconds += ms / 1_000;
        return plan;
    }

    private static double P(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private sealed class Result
    {
        public List<double> PlanMs { get; } = [];

        public List<double> BuildMs { get; } = [];

        public List<double> SolverMs { get; } = [];

        public List<double> ReadMs { get; } = [];

        public List<double> Iterations { get; } = [];

        public double TotalSeconds { get; set; }

        /// <summary>CPU time of the process while this planner planned (robust where other processes share the cores).</summary>
        public double CpuSeconds { get; set; }

        public void Sort()
        {
            foreach (var list in new[] { PlanMs, BuildMs, SolverMs, ReadMs, Iterations })
            {
                list.Sort();
            }
        }
    }
}
