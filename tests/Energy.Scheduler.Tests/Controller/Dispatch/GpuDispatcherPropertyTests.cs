using Energy.Contracts.Agents;
using Energy.Contracts.Planning;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.Dispatch;

namespace Energy.Scheduler.Tests.Controller.Dispatch;

public sealed class GpuDispatcherPropertyTests
{
    private static readonly TimeSpan[] Steps =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(16)];

    [Fact]
    public void Assign_RandomSitesPlansAndStates_HoldsEveryRule()
    {
        var random = new Random(20240616);
        var reached = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var run = 0; run < 300; run++)
        {
            var site = RandomSite(random);
            var fleet = new DispatchFleet(site, (pool, _) => random.Next(5) < 2 ? null : RandomWorkload(random, site, pool));
            foreach (var gpu in fleet.States.Where(g => g.Workload is not null))
            {
                var pool = site.Pool(gpu.Pool);
                fleet.Set(gpu.GpuId, gpu.Workload, Between(random, pool.MinPowerPerGpu, pool.MaxPowerPerGpu));
            }

            var dispatcher = new GpuDispatcher(site);
            var now = new DateTimeOffset(2024, 1, 16, 8, 0, 0, TimeSpan.Zero);
            IReadOnlyList<PoolAllocation> plan = [];
            for (var step = 0; step < 8; step++)
            {
                plan = random.Next(10) switch
                {
                    < 3 => plan,
                    < 6 => Nudge(random, site, plan),
                    _ => RandomPlan(random, site),
                };
                var offline = random.Next(5) == 0
                    ? fleet.States.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Select(g => g.GpuId).ToHashSet(StringComparer.Ordinal)
                    : [];
                var before = fleet.States;
                var assignments = dispatcher.Assign(DispatchFleet.Slot([.. plan]), before, now, now.AddSeconds(10), step, offline);

                Check(site, plan, before, offline, fleet, assignments, now, $"run {run} step {step}");
                Count(reached, dispatcher.LastCall);
                fleet.Apply(assignments, now);
                if (random.Next(10) == 0)
                {
                    var fallen = before[random.Next(before.Count)];
                    fleet.Idle(fallen.GpuId, site.Pool(fallen.Pool).IdlePowerPerGpu);
                }

                now += Steps[random.Next(Steps.Length)];
            }
        }

        // The random cases must reach every rule, or the checks above prove little.
        Assert.All(["moves", "dwell", "hysteresis", "offline", "sla", "min power"], rule => Assert.True(reached.GetValueOrDefault(rule) >= 5, $"{rule}: {reached.GetValueOrDefault(rule)}"));
    }

    private static void Count(Dictionary<string, int> reached, DispatchSummary call)
    {
        void Add(string rule, bool hit) => reached[rule] = reached.GetValueOrDefault(rule) + (hit ? 1 : 0);
        Add("moves", call.Moves > 0);
        Add("dwell", call.HeldByDwell > 0);
        Add("hysteresis", call.HeldByHysteresis > 0);
        Add("offline", call.Offline > 0);
        Add("sla", call.Explanations.Any(e => e.Contains("to keep", StringComparison.Ordinal)));
        Add("min power", call.Explanations.Any(e => e.Contains("cannot hold", StringComparison.Ordinal)));
    }

    private static void Check(
        Site site,
        IReadOnlyList<PoolAllocation> plan,
        IReadOnlyList<GpuState> before,
        HashSet<string> offline,
        DispatchFleet fleet,
        IReadOnlyList<GpuAssignment> assignments,
        DateTimeOffset now,
        string where)
    {
        // One assignment per online GPU, none for offline ones.
        Assert.Equal(before.Where(g => !offline.Contains(g.GpuId)).Select(g => g.GpuId).Order(StringComparer.Ordinal),
            assignments.Select(a => a.GpuId).Order(StringComparer.Ordinal));

        var was = before.ToDictionary(g => g.GpuId, StringComparer.Ordinal);
        var tenants = site.Workloads.OfType<InferenceWorkload>().ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var a in assignments)
        {
            var pool = site.Pool(was[a.GpuId].Pool);
            if (a.Workload is null)
            {
                Assert.Equal(pool.IdlePowerPerGpu, a.PowerTarget);
                Assert.Null(a.Shed);
            }
            else
            {
                Assert.InRange(a.PowerTarget.Watts, pool.MinPowerPerGpu.Watts - 1e-9, pool.MaxPowerPerGpu.Watts + 1e-9);
            }
        }

        foreach (var pool in site.Pools)
        {
            var inPool = assignments.Where(a => was[a.GpuId].Pool == pool.Name).ToList();
            var absorbed = 0;
            var planned = 0;
            var withinPlan = 0;
            foreach (var workload in inPool.Select(a => a.Workload).OfType<string>().Concat(plan.Where(p => p.Pool == pool.Name).Select(p => p.Workload))
                .Distinct(StringComparer.Ordinal))
            {
                var allocations = plan.Where(p => p.Pool == pool.Name && p.Workload == workload && p.Gpus > 0).ToList();
                var gpus = allocations.Sum(p => p.Gpus);
                var power = allocations.Sum(p => p.Power.Watts);
                var on = inPool.Where(a => a.Workload == workload).ToList();
                var current = inPool.Where(a => was[a.GpuId].Workload == workload).ToList();
                var locked = current.Count(a => fleet.InDwell(a.GpuId, now, site.Policy.MinDwell));
                var band = tenants.ContainsKey(workload) ? GpuDispatcher.GpuBand(current.Count) : 0;
                Assert.True(on.Count <= gpus + Math.Max(band, locked), $"{where}: {workload} in {pool.Name} has {on.Count} GPUs for a plan of {gpus}");
                Assert.True(on.Count(a => was[a.GpuId].Workload != workload) <= gpus, $"{where}: {workload} in {pool.Name} filled beyond its plan");
                Assert.True(on.Sum(a => a.PowerTarget.Watts) <= power + GpuDispatcher.PowerDeadband(pool).Watts * on.Count + 1e-6,
                    $"{where}: {workload} in {pool.Name} draws {on.Sum(a => a.PowerTarget.Watts)} W for a plan of {power} W");
                absorbed += tenants.ContainsKey(workload) ? Math.Max(0, on.Count - gpus) : 0;
                planned += gpus;
                withinPlan += Math.Min(on.Count, gpus);
            }

            // Without dwell or offline GPUs only a tenant's absorbed decrease can leave another workload short.
            if (site.Policy.MinDwell == TimeSpan.Zero && offline.Count == 0)
            {
                Assert.True(withinPlan >= planned - absorbed, $"{where}: {pool.Name} fills {withinPlan} of {planned} planned GPUs");
            }
        }

        foreach (var tenant in tenants.Values)
        {
            var on = assignments.Count(a => a.Workload == tenant.Name);
            Assert.Equal(Math.Min(on, tenant.SlaMinGpus), assignments.Count(a => a.Workload == tenant.Name && a.Shed == ShedStep.InferenceSla));
            if (offline.Count == 0 && plan.Where(p => p.Workload == tenant.Name).Sum(p => p.Gpus) >= tenant.SlaMinGpus)
            {
                Assert.True(on >= tenant.SlaMinGpus, $"{where}: {tenant.Name} has {on} GPUs, below its SLA of {tenant.SlaMinGpus}");
            }
        }

        // No switch between two workloads within the minimum dwell, unless a tenant's SLA needs the GPU.
        foreach (var a in assignments.Where(a => a.Workload is not null && was[a.GpuId].Workload is { } w && w != a.Workload))
        {
            var forSla = tenants.TryGetValue(a.Workload!, out var tenant) && assignments.Count(x => x.Workload == tenant.Name) <= tenant.SlaMinGpus;
            Assert.True(forSla || !fleet.InDwell(a.GpuId, now, site.Policy.MinDwell),
                $"{where}: {a.GpuId} switched from {was[a.GpuId].Workload} to {a.Workload} within its minimum dwell");
        }
    }

    private static Site RandomSite(Random random)
    {
        var template = TestSites.Bathhouse();
        var pools = Enumerable.Range(0, random.Next(1, 4)).Select(i =>
        {
            var min = random.Next(50, 300);
            return template.Pools[0] with
            {
                Name = $"pool{i}",
                // Pools over 50 GPUs give a tenant a hysteresis band of 2 or more.
                Count = random.Next(2) == 0 ? random.Next(1, 21) : random.Next(50, 160),
                MinPowerPerGpu = Power.FromWatts(min),
                IdlePowerPerGpu = Power.FromWatts(random.Next(10, min)),
                MaxPowerPerGpu = Power.FromWatts(min + random.Next(20, 500)),
            };
        }).ToList();

        IReadOnlyList<string> SomePools() => random.Next(3) == 0 ? [] : pools.Where(_ => random.Next(2) == 0).Select(p => p.Name).DefaultIfEmpty(pools[0].Name).ToList();
        var acme = template.Workloads.OfType<InferenceWorkload>().Single();
        var tenants = Enumerable.Range(0, random.Next(1, 3))
            .Select(i => (Workload)(acme with { Name = $"tenant{i}", Pools = SomePools(), SlaMinGpus = random.Next(0, 12) }));
        List<Workload> workloads = [.. tenants, new MiningWorkload("mining", [], "ticket", 36_000, acme.PricePerGpuHour), new HeaterWorkload("heater", SomePools())];
        return template with
        {
            Pools = pools,
            Workloads = workloads,
            Policy = template.Policy with
            {
                MinDwell = new[] { TimeSpan.Zero, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(15) }[random.Next(3)],
                ShedOrder = [.. OperatorPolicy.DefaultShedOrder.OrderBy(_ => random.Next())],
            },
        };
    }

    private static string? RandomWorkload(Random random, Site site, GpuPool pool)
    {
        var allowed = site.Workloads.Where(w => w.MayRunOn(pool)).ToList();
        return allowed[random.Next(allowed.Count)].Name;
    }

    private static List<PoolAllocation> RandomPlan(Random random, Site site)
    {
        var plan = new List<PoolAllocation>();
        foreach (var pool in site.Pools)
        {
            var left = pool.Count;
            foreach (var workload in site.Workloads.Where(w => w.MayRunOn(pool)).OrderBy(_ => random.Next()))
            {
                var gpus = random.Next(4) == 0 ? 0 : random.Next(0, left + 1);
                if (gpus > 0)
                {
                    plan.Add(new PoolAllocation(pool.Name, workload.Name, Between(random, pool.MinPowerPerGpu, pool.MaxPowerPerGpu) * gpus, gpus));
                    left -= gpus;
                }
            }
        }

        return plan;
    }

    // A plan a little different from the last: a GPU or two more or fewer, a percent or two of power.
    private static List<PoolAllocation> Nudge(Random random, Site site, IReadOnlyList<PoolAllocation> plan)
    {
        var nudged = new List<PoolAllocation>();
        foreach (var pool in site.Pools)
        {
            var left = pool.Count;
            foreach (var a in plan.Where(a => a.Pool == pool.Name))
            {
                var gpus = Math.Clamp(a.Gpus + random.Next(-2, 3), 0, left);
                var perGpu = (a.Power / a.Gpus * (1 + ((random.NextDouble() - 0.5) * 0.04))).Clamp(pool.MinPowerPerGpu, pool.MaxPowerPerGpu);
                if (gpus > 0)
                {
                    nudged.Add(a with { Gpus = gpus, Power = perGpu * gpus });
                    left -= gpus;
                }
            }
        }

        return nudged;
    }

    private static Power Between(Random random, Power min, Power max) => min + ((max - min) * random.NextDouble());
}
