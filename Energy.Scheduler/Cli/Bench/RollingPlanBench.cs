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
    public static void Run(TextWriter? output = null, int replans = 672, TimeSpan? slot = null, bool reusedOnly = false)
    {
        var o = output ?? Console.Out;
        var length = slot ?? TimeSpan.FromMinutes(15);
        var site = LpPlannerBench.Bathhouse();
        var horizon = (int)(TimeSpan.FromHours(48) / length);
        var sequence = new RollingSequence(site, length, replans + horizon / 4, horizon, seed: 7);

        // Warm the native library up, then the baseline and the re-used model over the same sequence.
        new LpPlanner(LpPlannerOptions.Default with { ReuseModel = false }).CreatePlan(sequence.Input(0, sequence.InitialStored));
        var reused = Measure(new LpPlanner(), sequence, replans);
        var fresh = reusedOnly ? reused : Measure(new LpPlanner(LpPlannerOptions.Default with { ReuseModel = false }), sequence, replans);
        var worst = 0.0;
        for (var k = 0; k < fresh.Objectives.Count; k++)
        {
            worst = Math.Max(worst, Math.Abs(fresh.Objectives[k] - reused.Objectives[k]) / Math.Max(1, Math.Abs(fresh.Objectives[k])));
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bathhouse, {length.TotalMinutes:0}-minute slots, {horizon}-slot horizon, {replans} re-plans (the last {Math.Min(replans, horizon / 4)} with a shrinking horizon):"));
        foreach (var (name, r) in new[] { ("fresh model (baseline)", fresh), ("re-used model", reused) })
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-22}: plan p50 {P(r.PlanMs, 0.5):0.00} ms, p99 {P(r.PlanMs, 0.99):0.00} ms (build/load p50 {P(r.BuildMs, 0.5):0.00} ms, solver p50 {P(r.SolverMs, 0.5):0.00} ms, reading p50 {P(r.ReadMs, 0.5):0.00} ms), iterations p50 {P(r.Iterations, 0.5):0}; wall {r.WallSeconds:0.00} s"));
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  ratio fresh / re-used: wall {fresh.WallSeconds / reused.WallSeconds:0.0}x, plan p50 {P(fresh.PlanMs, 0.5) / P(reused.PlanMs, 0.5):0.0}x; largest relative objective difference {worst:0.0e0}"));
    }

    private static Result Measure(LpPlanner planner, RollingSequence sequence, int replans)
    {
        var result = new Result();
        var stored = sequence.InitialStored;
        var wall = Stopwatch.StartNew();
        for (var step = 0; step < replans; step++)
        {
            var input = sequence.Input(step, stored);
            var started = Stopwatch.GetTimestamp();
            var plan = planner.CreatePlan(input);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            result.PlanMs.Add(ms);
            result.BuildMs.Add(planner.LastBuildTime.TotalMilliseconds);
            result.SolverMs.Add(planner.LastSolverTime.TotalMilliseconds);
            result.ReadMs.Add(ms - planner.LastSolveTime.TotalMilliseconds);
            result.Iterations.Add(planner.LastIterations);
            result.Objectives.Add(PlanEconomics.Profit(input, plan).Total);
            stored = RollingSequence.StoredAfterFirstSlot(plan, stored);
        }

        result.WallSeconds = wall.Elapsed.TotalSeconds;
        foreach (var list in new[] { result.PlanMs, result.BuildMs, result.SolverMs, result.ReadMs, result.Iterations })
        {
            list.Sort();
        }

        return result;
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

        public List<double> Objectives { get; } = [];

        public double WallSeconds { get; set; }
    }
}
