using System.Globalization;
using System.Text;
using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Contracts.Time;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Planning;

/// <summary>A lower import cap for a while (a curtailment in force): every slot it touches is planned under it.</summary>
/// <param name="Why">For the plan's explanation: which request, and why.</param>
public sealed record CapWindow(DateTimeOffset From, DateTimeOffset Until, Power Cap, string Why);

/// <summary>GPUs of a pool the planner plans around: their agent is offline, or their loop's coolant too hot.</summary>
/// <param name="DrawPerGpu">What each still draws (their safe state); the pool's idle power when null.</param>
public sealed record UnavailableGpus(string Pool, int Count, string Why, Power? DrawPerGpu = null);

/// <summary>
/// What the site can do now beyond what its file says: curtailments in force lower the cap of the slots
/// they touch, GPUs whose agent has gone are taken out of their pools, the base load is what the site
/// meter shows, and the cap is held a margin below for the meter's noise and lag. <see cref="PlanningService"/>
/// re-plans when these change, so the plan (and its revenue, heat and explanations) is for the site as
/// it is, not as it was configured; the control loop keeps holding the cap in the meantime.
/// </summary>
public sealed record PlanningConditions(IReadOnlyList<CapWindow> CapWindows, IReadOnlyList<UnavailableGpus> Unavailable)
{
    /// <summary>A measured base load moving by this share of the contract cap from the one planned with re-plans the site.</summary>
    public const double BaseLoadReplanShare = 0.02;

    public static PlanningConditions None { get; } = new([], []);

    /// <summary>The load HeatGrid does not control, as the controller measures it; null to plan with the site file's.</summary>
    public Power? BaseLoad { get; init; }

    /// <summary>Where <see cref="BaseLoad"/> comes from, for the explanation ("measured by the site meter").</summary>
    public string? BaseLoadWhy { get; init; }

    /// <summary>Share of the cap kept free for the site meter's noise and lag (the controller holds the same margin).</summary>
    public double CapMargin { get; init; }

    /// <summary>Nothing but the site file's cap, pools and base load (the meter's margin, part of the site file, aside).</summary>
    public bool IsNone => CapWindows.Count == 0 && Unavailable.Count == 0 && BaseLoad is null;

    /// <summary>
    /// The lowest cap in force during any part of [<paramref name="start"/>, <paramref name="end"/>): a
    /// slot's plan holds for the whole slot, so a curtailment that covers part of it caps all of it.
    /// </summary>
    public Power CapFor(Power contract, DateTimeOffset start, DateTimeOffset end)
    {
        var cap = contract;
        foreach (var w in CapWindows)
        {
            if (w.From < end && w.Until > start)
            {
                cap = Power.Min(cap, Power.Max(Power.Zero, w.Cap));
            }
        }

        return GridMeter.HoldBelow(cap, CapMargin);
    }

    /// <summary>
    /// The site with the unavailable GPUs taken out of their pools (never below zero) and what they still
    /// draw, with its cooling, added to the base load: they take no work but still count against the cap.
    /// </summary>
    public Site ApplyTo(Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var baseLoad = BaseLoad ?? site.Grid.BaseLoad;
        if (Unavailable.Count == 0)
        {
            return baseLoad == site.Grid.BaseLoad ? site : site with { Grid = site.Grid with { BaseLoad = baseLoad } };
        }

        var left = site.Pools.ToDictionary(p => p.Name, p => p.Count, StringComparer.Ordinal);
        var held = Power.Zero;
        foreach (var u in Unavailable)
        {
            if (!left.TryGetValue(u.Pool, out var count))
            {
                continue;
            }

            var pool = site.Pool(u.Pool);
            var n = Math.Clamp(u.Count, 0, count);
            left[u.Pool] = count - n;
            held += pool.GridPowerFor((u.DrawPerGpu ?? pool.IdlePowerPerGpu) * n);
        }

        return site with
        {
            Pools = [.. site.Pools.Select(p => left[p.Name] == p.Count ? p : p with { Count = left[p.Name] })],
            Grid = site.Grid with { BaseLoad = baseLoad + held },
        };
    }

    /// <summary>The plan with each slot explaining the conditions that shaped it.</summary>
    public Plan Explain(Plan plan, Site site)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(site);
        if (IsNone)
        {
            return plan;
        }

        var unavailable = Unavailable.Where(u => u.Count > 0).Select(u =>
            $"pool {u.Pool}: {u.Count} of {site.Pool(u.Pool).Count} GPUs planned around ({u.Why})").ToList();
        if (BaseLoad is { } measured && Math.Abs((measured - site.Grid.BaseLoad).Kilowatts) >= 1)
        {
            unavailable.Insert(0, string.Create(CultureInfo.InvariantCulture,
                $"planned with {measured.Kilowatts:0.#} kW of load HeatGrid does not control, {BaseLoadWhy ?? "measured"} (site file: {site.Grid.BaseLoad.Kilowatts:0.#} kW)"));
        }
        return plan with
        {
            Slots = [.. plan.Slots.Select(s =>
            {
                var notes = new List<string>(unavailable);
                foreach (var w in CapWindows.Where(w => w.From < s.Start + s.Length && w.Until > s.Start))
                {
                    notes.Add(string.Create(CultureInfo.InvariantCulture,
                        $"grid cap lowered to {w.Cap.Kilowatts:0.#} kW (contract {site.Grid.ImportCap.Kilowatts:0.#} kW) until {TimeText.ClockUtc(w.Until, plan.CreatedAt)}: {w.Why}"));
                }

                return notes.Count == 0 ? s : s with { Explanations = [.. notes, .. s.Explanations] };
            })],
        };
    }

    /// <summary>
    /// Whether a plan made under <paramref name="planned"/> still holds on a site with <paramref name="grid"/>: the
    /// same curtailments and GPUs planned around, and a base load (the site file's where none is measured) within
    /// <see cref="BaseLoadReplanShare"/> of the contract cap of it.
    /// </summary>
    public bool SameAs(PlanningConditions planned, GridConnection grid)
    {
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentNullException.ThrowIfNull(grid);
        var now = BaseLoad ?? grid.BaseLoad;
        var then = planned.BaseLoad ?? grid.BaseLoad;
        return Key == planned.Key && CapMargin == planned.CapMargin
            && Math.Abs((now - then).Watts) < BaseLoadReplanShare * grid.ImportCap.Watts;
    }

    /// <summary>Identifies the curtailments and GPUs planned around: a plan made under one key need not be remade while the key stays.</summary>
    public string Key
    {
        get
        {
            var key = new StringBuilder();
            foreach (var w in CapWindows.OrderBy(w => w.From).ThenBy(w => w.Until).ThenBy(w => w.Cap))
            {
                key.Append(CultureInfo.InvariantCulture, $"cap {w.Cap.Watts:0}W {w.From:O}..{w.Until:O};");
            }

            foreach (var u in Unavailable.OrderBy(u => u.Pool, StringComparer.Ordinal))
            {
                key.Append(CultureInfo.InvariantCulture, $"pool {u.Pool}-{u.Count};");
            }

            return key.ToString();
        }
    }
}

/// <summary>Where <see cref="PlanningService"/> learns the <see cref="PlanningConditions"/> in force.</summary>
public interface IPlanningConditionsSource
{
    PlanningConditions Current(DateTimeOffset now);
}
