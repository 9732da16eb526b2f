using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Energy.Contracts.Configuration;
using Energy.Contracts.Policy;
using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Lp;
using Google.OrTools.LinearSolver;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// Solve times of the LP planner, for a `heatgrid bench optimizer` verb (not a test): the bathhouse
/// example re-planned over 48 hourly slots, and a large site of 50 pools × 5 workloads × 192 slots,
/// for every LP solver this OR-Tools build offers. Synthetic, seeded prices and demand.
/// </summary>
public static class LpPlannerBench
{
    public static readonly string[] SolverIds = ["CLP", "GLOP", "HIGHS_LP", "PDLP"];

    public static void Run(TextWriter? output = null, int replans = 50)
    {
        var o = output ?? Console.Out;
        var bathhouse = Bathhouse();
        var large = LargeSite(pools: 50, loops: 10);
        foreach (var id in SolverIds)
        {
            using (var probe = Solver.CreateSolver(id))
            {
                if (probe is null)
                {
                    o.WriteLine($"{id}: not available in this OR-Tools build");
                    continue;
                }
            }

            var planner = new LpPlanner(LpPlannerOptions.Default with { SolverId = id, ReuseModel = false });   // each solver on its own: no re-used model (bench backtest measures that)
            var times = new List<double>(replans);
            for (var run = 0; run < replans + 3; run++)
            {
                var input = SyntheticInput(bathhouse, 48, TimeSpan.FromHours(1), seed: run);
                var watch = Stopwatch.StartNew();
                planner.CreatePlan(input);
                if (run >= 3)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);   // the first runs load the native library
                }
            }

            times.Sort();
            var bigWatch = Stopwatch.StartNew();
            var plan = planner.CreatePlan(SyntheticInput(large, 192, TimeSpan.FromMinutes(15), seed: 1));
            var big = bigWatch.Elapsed.TotalMilliseconds;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{id}: bathhouse 48 slots p50 {Percentile(times, 0.5):0.0} ms, p99 {Percentile(times, 0.99):0.0} ms over {replans} re-plans; 50 pools × 5 workloads × 192 slots {big:0} ms ({plan.Slots.Count} slots)"));
        }
    }

    /// <summary>The shipped bathhouse example, as built into the binary.</summary>
    public static Site Bathhouse()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("bathhouse.yaml")
            ?? throw new InvalidOperationException("The built-in bathhouse site is missing from the build.");
        using var reader = new StreamReader(stream);
        return SiteFile.Parse(reader.ReadToEnd(), "built-in:bathhouse.yaml").GetSiteOrThrow();
    }

    /// <summary>Day-shaped prices with noise and negative hours, winter-like heat demand; seeded.</summary>
    public static PlanningInput SyntheticInput(Site site, int slots, TimeSpan slot, int seed)
    {
        ArgumentNullException.ThrowIfNull(site);
        var random = new Random(seed);
        var start = new DateTimeOffset(2024, 1, 15, 0, 0, 0, TimeSpan.Zero);
        var prices = new List<EnergyPrice>(slots);
        var demand = new List<Power>(slots);
        for (var i = 0; i < slots; i++)
        {
            var hour = (start + (slot * i)).TimeOfDay.TotalHours;
            var shape = 80 + (50 * Math.Sin((hour - 12) * Math.PI / 12)) + ((random.NextDouble() - 0.5) * 120);
            prices.Add(EnergyPrice.PerMwh(shape, site.Currency));
            demand.Add(Power.FromKilowatts(250 + (250 * random.NextDouble())));
        }

        var curve = new PriceCurve(start, slot, prices);
        var heat = site.HeatLoops.ToDictionary(l => l.Name, l => (IReadOnlyList<Power>)[.. demand.Select(d => d * (l.Consumer.PeakDemand.Kilowatts / 750))]);
        var stored = site.HeatLoops.ToDictionary(l => l.Name, l => l.Storage?.Initial ?? EnergyAmount.Zero);
        return new PlanningInput(site, start, curve, heat, stored);
    }

    /// <summary>A large synthetic site: pools spread over heat loops, two tenants, mining, heater, and a spare inference workload.</summary>
    public static Site LargeSite(int pools, int loops)
    {
        var template = Bathhouse();
        var baseLoop = template.HeatLoops[0];
        var heatLoops = Enumerable.Range(0, loops).Select(l => baseLoop with { Name = $"loop-{l}" }).ToList();
        var gpuPools = Enumerable.Range(0, pools)
            .Select(p => new GpuPool($"pool-{p:00}", "H100", 64, Power.FromWatts(200), Power.FromWatts(80), Power.FromWatts(700),
                p % 5 == 4 ? null : heatLoops[p % loops].Name, p % 5 == 4 ? 0.3 : 0.04))
            .ToList();
        var demand = template.Workloads.OfType<InferenceWorkload>().Single().DemandGpusByLocalHour;
        return template with
        {
            Name = "large",
            Grid = template.Grid with { ImportCap = Power.FromKilowatts(pools * 40), BaseLoad = Power.FromKilowatts(100) },
            Pools = gpuPools,
            HeatLoops = heatLoops,
            Workloads =
            [
                new InferenceWorkload("tenant-a", [], "A", Money.Of(2.1, template.Currency), 100, 1600, [.. demand.Select(d => d * 3)]),
                new InferenceWorkload("tenant-b", [], "B", Money.Of(1.6, template.Currency), 50, 800, [.. demand.Select(d => d * 2)]),
                new InferenceWorkload("tenant-c", [], "C", Money.Of(1.2, template.Currency), 0, 400, [.. demand]),
                template.Workloads.OfType<MiningWorkload>().Single() with { Pools = [] },
                new HeaterWorkload("heater", [.. gpuPools.Where(p => p.HeatLoop is not null).Select(p => p.Name)]),
            ],
            Policy = template.Policy with { ShedOrder = OperatorPolicy.DefaultShedOrder },
        };
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
}
