using Energy.Contracts.Planning;
using Energy.Contracts.Prices;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// Seeded rolling inputs over a stretch of synthetic data: day-shaped prices with noise, negative slots
/// and spikes above the policy limit, heat demand, a daily two-hour curtailment to half the cap, mining
/// values that change every slot, the horizon shrinking once the data ends. The tank's energy is the caller's.
/// </summary>
public sealed class RollingSequence
{
    private readonly Site _site;
    private readonly TimeSpan _slot;
    private readonly int _horizon;
    private readonly double[] _prices;
    private readonly double[] _heatKw;
    private readonly double[] _miningPerMwh;
    private readonly DateTimeOffset _start = new(2024, 1, 15, 0, 0, 0, TimeSpan.Zero);

    public RollingSequence(Site site, TimeSpan slot, int dataSlots, int horizon, int seed)
    {
        ArgumentNullException.ThrowIfNull(site);
        _site = site;
        _slot = slot;
        _horizon = horizon;
        var random = new Random(seed);
        _prices = new double[dataSlots];
        _heatKw = new double[dataSlots];
        _miningPerMwh = new double[dataSlots];
        for (var i = 0; i < dataSlots; i++)
        {
            var hour = (_start + (slot * i)).TimeOfDay.TotalHours;
            var price = 80 + (60 * Math.Sin((hour - 12) * Math.PI / 12)) + ((random.NextDouble() - 0.5) * 120);
            var roll = random.NextDouble();
            _prices[i] = roll < 0.03 ? 450 + (random.NextDouble() * 200) : roll < 0.08 ? -30 * random.NextDouble() : price;
            _heatKw[i] = 150 + (350 * random.NextDouble()) + (150 * Math.Cos(hour * Math.PI / 12));
            _miningPerMwh[i] = 100 + (25 * Math.Sin(i / 40.0)) + (5 * random.NextDouble());
        }
    }

    public IReadOnlyDictionary<string, EnergyAmount> InitialStored =>
        _site.HeatLoops.ToDictionary(l => l.Name, l => l.Storage?.Initial ?? EnergyAmount.Zero);

    /// <summary>The input of re-plan <paramref name="step"/> (one slot later each), from the tank's energy <paramref name="stored"/>.</summary>
    public PlanningInput Input(int step, IReadOnlyDictionary<string, EnergyAmount> stored)
    {
        var now = _start + (_slot * step);
        var n = Math.Min(_horizon, _prices.Length - step);
        var curve = new PriceCurve(now, _slot, [.. _prices.AsSpan(step, n).ToArray().Select(p => EnergyPrice.PerMwh(p, _site.Currency))]);
        var heat = _site.HeatLoops.ToDictionary(
            l => l.Name,
            l => (IReadOnlyList<Power>)[.. _heatKw.AsSpan(step, n).ToArray().Select(kw => Power.FromKilowatts(kw * l.Consumer.PeakDemand.Kilowatts / 750))]);
        var windows = new List<CapWindow>();
        for (var day = now.Date.AddDays(-1); day < now.Date.AddDays(3); day = day.AddDays(1))
        {
            var from = new DateTimeOffset(day.AddHours(17), TimeSpan.Zero);
            windows.Add(new CapWindow(from, from.AddHours(2), _site.Grid.ImportCap * 0.5, "bench curtailment"));
        }

        var mining = _site.Workloads.OfType<MiningWorkload>()
            .SelectMany(m => _site.Pools.Where(m.MayRunOn).Select(p => (m.Name, p.Name)))
            .ToDictionary(key => key, _ => (IReadOnlyList<double>)_miningPerMwh.AsSpan(step, n).ToArray());
        return new PlanningInput(_site, now, curve, heat, stored, new PlanningConditions(windows, [])) { MiningValue = mining };
    }

    /// <summary>The tank's energy once the plan's first slot has run as planned.</summary>
    public static IReadOnlyDictionary<string, EnergyAmount> StoredAfterFirstSlot(Plan plan, IReadOnlyDictionary<string, EnergyAmount> before)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(before);
        return plan.Slots.Count == 0 ? before : plan.Slots[0].Heat.ToDictionary(h => h.Loop, h => h.StoredAtEnd);
    }
}
