using System.Globalization;
using Energy.Contracts.Heat;
using Energy.Contracts.Planning;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Planning.MeritOrder;

/// <summary>One slot of the merit-order planner: allocates GPUs and explains each decision.</summary>
internal sealed class MeritOrderSlot
{
    private const double TankValueFactor = 0.9;   // heat stored for later is worth a little less than heat used now

    private readonly Site _site;
    private readonly DateTimeOffset _start;
    private readonly TimeSpan _length;
    private readonly EnergyPrice _spot;
    private readonly EnergyPrice _cost;
    private readonly IReadOnlyDictionary<string, Power> _demand;
    private readonly IReadOnlyDictionary<string, int> _tenantDemand;
    private readonly IReadOnlyDictionary<string, HeatLoopSimulator> _loops;
    private readonly Dictionary<string, int> _free;
    private readonly Dictionary<(string Pool, string Workload), int> _gpus = [];
    private readonly Dictionary<string, LoopRoom> _room = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Candidate> _lastSeen = new(StringComparer.Ordinal);
    private readonly List<string> _explanations = [];
    private readonly List<string> _violations = [];
    private readonly Func<MiningWorkload, GpuPool, double> _miningValuePerMwh;
    private double _budgetW;
    private bool _capBinding;

    public MeritOrderSlot(
        Site site,
        DateTimeOffset start,
        TimeSpan length,
        EnergyPrice spot,
        IReadOnlyDictionary<string, Power> demand,
        IReadOnlyDictionary<string, int> tenantDemand,
        IReadOnlyDictionary<string, HeatLoopSimulator> loops,
        Func<MiningWorkload, GpuPool, double>? miningValuePerMwh = null)
    {
        _miningValuePerMwh = miningValuePerMwh ?? ((m, _) => m.ValuePerMwh.PerMegawattHour);
        _site = site;
        _start = start;
        _length = length;
        _spot = spot;
        _cost = site.Grid.Tariff.CostAt(spot);
        _demand = demand;
        _tenantDemand = tenantDemand;
        _loops = loops;
        _free = site.Pools.ToDictionary(p => p.Name, p => p.Count, StringComparer.Ordinal);

        // Every GPU stays powered: idle power and its cooling come off the budget first.
        _budgetW = site.Grid.ControllableCap.Watts - new SiteLoad(site).IdleImport.Watts;
        foreach (var loop in site.HeatLoops)
        {
            var idleHeatW = site.Pools.Where(p => p.HeatLoop == loop.Name).Sum(p => p.IdlePower.Watts) * loop.CaptureFraction;
            var stored = loops[loop.Name].Stored;
            var tankW = loop.Storage is { } tank
                ? Math.Max(0, Math.Min(tank.MaxCharge.Watts, (tank.Capacity - stored).WattHours / length.TotalHours))
                : 0;
            var demandW = demand[loop.Name].Watts;
            _room[loop.Name] = new LoopRoom(
                DemandW: Math.Max(0, demandW - idleHeatW),
                TankW: Math.Max(0, tankW - Math.Max(0, idleHeatW - demandW)),
                AbsorbW: loop.MaxAbsorption.Watts - idleHeatW,
                RejectW: demandW + tankW + loop.DryCooler.Watts - idleHeatW);
        }
    }

    public PlanSlot Decide()
    {
        if (_budgetW < 0)
        {
            _violations.Add($"grid cap: idle GPUs and base load alone need {Kw(-_budgetW)} more than the cap of {_site.Grid.ImportCap}");
        }

        ServeSlaMinimums();
        FillByMeritOrder();
        CheckSlaMinimums();
        return Finish();
    }

    private void ServeSlaMinimums()
    {
        foreach (var w in _site.Workloads.OfType<InferenceWorkload>().Where(w => w.SlaMinGpus > 0))
        {
            var missing = w.SlaMinGpus;
            foreach (var pool in _site.Pools.Where(w.MayRunOn))
            {
                var n = Math.Min(missing, Fits(Evaluate(pool, w)));
                Allocate(pool, w, n);
                missing -= n;
            }
        }
    }

    /// <summary>Judged on the final allocation: GPUs the merit order gives the tenant later count for its SLA too.</summary>
    private void CheckSlaMinimums()
    {
        foreach (var w in _site.Workloads.OfType<InferenceWorkload>().Where(w => w.SlaMinGpus > 0))
        {
            var missing = w.SlaMinGpus - Allocated(w.Name);
            if (missing > 0)
            {
                _violations.Add($"{w.Name}: SLA of {w.SlaMinGpus} GPUs not met, {missing} GPUs short (grid cap or heat rejection limit)");
            }
        }
    }

    private void FillByMeritOrder()
    {
        var maxPrice = _site.Policy.MaxImportPrice;
        if (maxPrice is { } limit && _cost > limit)
        {
            _explanations.Add($"only SLA work runs: power costs {P(_cost)} all-in, above the policy limit of {P(limit)}");
            return;
        }

        while (true)
        {
            Candidate? best = null;
            foreach (var pool in _site.Pools)
            {
                foreach (var w in _site.Workloads.Where(w => w.MayRunOn(pool)))
                {
                    var c = Evaluate(pool, w);
                    if (!_lastSeen.TryGetValue(w.Name, out var seen) || c.NetPerGpuHour > seen.NetPerGpuHour)
                    {
                        _lastSeen[w.Name] = c;
                    }

                    if (c.NetPerGpuHour > 0 && c.Available > 0 && (best is null || Better(c, best)))
                    {
                        best = c;
                    }
                }
            }

            if (best is null)
            {
                return;
            }

            var n = Fits(best);
            if (n == 0)
            {
                _capBinding = true;
                return;
            }

            Allocate(best.Pool, best.Workload, n);
        }
    }

    private Candidate Evaluate(GpuPool pool, Workload w)
    {
        var extraW = pool.MaxPowerPerGpu.Watts - pool.IdlePowerPerGpu.Watts;
        var gridW = extraW * pool.GridFactor;
        var maxMw = pool.MaxPowerPerGpu.Megawatts;
        var revenue = w switch
        {
            InferenceWorkload i => i.PricePerGpuHour.Amount,
            MiningWorkload m => _miningValuePerMwh(m, pool) * maxMw,
            _ => 0,
        };
        var available = w switch
        {
            InferenceWorkload inf => Math.Max(0, _tenantDemand[inf.Name] - Allocated(inf.Name)),
            MiningWorkload m when !m.Runs(_miningValuePerMwh(m, pool)) => 0,   // below its minimum value mining does not run
            _ => int.MaxValue,
        };

        double heatW = 0, heatValue = 0, heatLimitGpus = int.MaxValue;
        if (pool.HeatLoop is { } loopName)
        {
            var loop = _site.HeatLoops.First(l => l.Name == loopName);
            var room = _room[loopName];
            heatW = extraW * loop.CaptureFraction;
            var perMwh = loop.Boiler?.HeatCost.PerMegawattHour ?? (loop.HeatPrice + loop.Consumer.ShortfallPenalty).PerMegawattHour;
            var tier = room.DemandW > 0 ? room.DemandW : room.TankW;
            heatValue = room.DemandW > 0 ? perMwh : room.TankW > 0 ? perMwh * TankValueFactor : 0;
            heatLimitGpus = Math.Floor(Math.Min(room.AbsorbW, room.RejectW) / heatW);

            // A block is as big as the current heat tier, so the next block is valued at the next tier.
            available = (int)Math.Min(available, tier > 0 ? Math.Ceiling(tier / heatW) : int.MaxValue);
        }

        var costPerHour = gridW / 1e6 * _cost.PerMegawattHour;
        var heatPerHour = heatW / 1e6 * heatValue;
        return new Candidate(pool, w, revenue, heatPerHour, costPerHour, revenue + heatPerHour - costPerHour,
            Math.Min(available, Math.Min(_free[pool.Name], (int)Math.Max(0, heatLimitGpus))), gridW, heatW, maxMw);
    }

    private int Fits(Candidate c) =>
        c.GridWPerGpu <= 0 ? c.Available : (int)Math.Min(c.Available, Math.Floor(Math.Max(0, _budgetW) / c.GridWPerGpu));

    private bool Better(Candidate a, Candidate b) =>
        Math.Abs(a.NetPerGpuHour - b.NetPerGpuHour) > 1e-9
            ? a.NetPerGpuHour > b.NetPerGpuHour
            : _site.Policy.KeepRank(a.Workload) > _site.Policy.KeepRank(b.Workload);   // later in the shed order = kept longer = preferred on a tie

    private void Allocate(GpuPool pool, Workload w, int n)
    {
        if (n <= 0)
        {
            return;
        }

        var key = (pool.Name, w.Name);
        _gpus[key] = _gpus.GetValueOrDefault(key) + n;
        _free[pool.Name] -= n;
        var extraW = pool.MaxPowerPerGpu.Watts - pool.IdlePowerPerGpu.Watts;
        _budgetW -= n * extraW * pool.GridFactor;
        if (pool.HeatLoop is { } loopName)
        {
            var loop = _site.HeatLoops.First(l => l.Name == loopName);
            var heat = n * extraW * loop.CaptureFraction;
            var room = _room[loopName];
            var toDemand = Math.Min(heat, room.DemandW);
            var toTank = Math.Min(heat - toDemand, room.TankW);
            _room[loopName] = room with
            {
                DemandW = room.DemandW - toDemand,
                TankW = room.TankW - toTank,
                AbsorbW = room.AbsorbW - heat,
                RejectW = room.RejectW - heat,
            };
        }
    }

    private int Allocated(string workload) => _gpus.Where(g => g.Key.Workload == workload).Sum(g => g.Value);

    private PlanSlot Finish()
    {
        var allocations = new List<PoolAllocation>();
        foreach (var ((pool, workload), n) in _gpus.Where(g => g.Value > 0).OrderBy(g => g.Key.Pool, StringComparer.Ordinal).ThenBy(g => g.Key.Workload, StringComparer.Ordinal))
        {
            allocations.Add(new PoolAllocation(pool, workload, _site.Pool(pool).MaxPowerPerGpu * n, n));
        }

        var gridW = _site.Grid.BaseLoad.Watts;
        foreach (var pool in _site.Pools)
        {
            var busy = _site.Pools.Count == 0 ? 0 : _gpus.Where(g => g.Key.Pool == pool.Name).Sum(g => g.Value);
            gridW += SiteLoad.PoolImport(pool, busy, pool.MaxPowerPerGpu * busy).Watts;
        }

        var heat = new List<HeatDispatch>();
        foreach (var loop in _site.HeatLoops)
        {
            var gpuPower = Power.Zero;
            foreach (var pool in _site.Pools.Where(p => p.HeatLoop == loop.Name))
            {
                var busy = _gpus.Where(g => g.Key.Pool == pool.Name).Sum(g => g.Value);
                gpuPower += (pool.MaxPowerPerGpu * busy) + (pool.IdlePowerPerGpu * (pool.Count - busy));
            }

            var f = _loops[loop.Name].Step(gpuPower, _demand[loop.Name], _length);
            heat.Add(new HeatDispatch(loop.Name, f.Demand, f.Captured, f.Demand - f.Shortfall, f.ToStorage + f.BoilerToStorage,
                f.FromStorage, f.Dumped, f.Boiler + f.BoilerToStorage, f.Shortfall, f.StoredAtEnd));
            if (f.Shortfall > Power.Zero)
            {
                _violations.Add($"{loop.Name}: {f.Shortfall} of heat demand unmet (no boiler capacity left)");
            }
        }

        Explain(allocations, gridW);
        return new PlanSlot(_start, _length, _spot, _cost, allocations, heat, Power.FromWatts(gridW), _explanations, _violations);
    }

    private void Explain(List<PoolAllocation> allocations, double gridW)
    {
        _explanations.Insert(0, $"power costs {P(_cost)} all-in (spot {P(_spot)})");
        foreach (var w in _site.Workloads)
        {
            var gpus = allocations.Where(a => a.Workload == w.Name).Sum(a => a.Gpus);
            var seen = _lastSeen.GetValueOrDefault(w.Name);
            var terms = seen is null ? string.Empty : Terms(seen);
            _explanations.Add(w switch
            {
                InferenceWorkload i when gpus > 0 => $"{w.Name}: {gpus} GPUs for {i.Tenant} (demand {_tenantDemand[i.Name]}, SLA {i.SlaMinGpus})",
                _ when gpus > 0 => $"{w.Name} on {gpus} GPUs: {terms}",
                _ when seen is not null => $"{w.Name} off: {terms}",
                _ => $"{w.Name} off",
            });
        }

        if (_capBinding)
        {
            _explanations.Add($"grid cap binding: import {Kw(gridW)} of {_site.Grid.ImportCap} cap");
        }
    }

    private string Terms(Candidate c)
    {
        // Revenue per MWh of the GPU's working power; heat and cost per MWh of power above idle.
        var extraMw = c.GridWPerGpu / c.Pool.GridFactor / 1e6;
        var value = c.RevenuePerGpuHour / c.MaxMw;
        var heat = c.HeatPerGpuHour / extraMw;
        var cost = c.CostPerGpuHour / extraMw;
        var currency = _site.Currency.Code;
        var verb = c.NetPerGpuHour > 0 ? ">" : "<=";
        return string.Create(CultureInfo.InvariantCulture,
            $"worth {value:0} + heat {heat:0} {verb} cost {cost:0} {currency}/MWh");
    }

    private static string P(EnergyPrice p) => string.Create(CultureInfo.InvariantCulture, $"{p.PerMegawattHour:0.#} {p.Currency}/MWh");

    private static string Kw(double watts) => Power.FromWatts(watts).ToString();

    private sealed record Candidate(
        GpuPool Pool,
        Workload Workload,
        double RevenuePerGpuHour,
        double HeatPerGpuHour,
        double CostPerGpuHour,
        double NetPerGpuHour,
        int Available,
        double GridWPerGpu,
        double HeatWPerGpu,
        double MaxMw);

    /// <summary>Heat a loop can still take: demand, tank charging, heat-exchanger and rejection limits (W thermal).</summary>
    private readonly record struct LoopRoom(double DemandW, double TankW, double AbsorbW, double RejectW);
}
