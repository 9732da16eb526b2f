using System.Globalization;
using System.Text;
using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
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
/// they touch, GPUs whose agent has gone are taken out of their pools. <see cref="PlanningService"/>
/// re-plans when these change, so the plan (and its revenue, heat and explanations) is for the site as
/// it is, not as it was configured; the control loop keeps holding the cap in the meantime.
/// </summary>
public sealed record PlanningConditions(IReadOnlyList<CapWindow> CapWindows, IReadOnlyList<UnavailableGpus> Unavailable)
{
    public static PlanningConditions None { get; } = new([], []);

    public bool IsNone => CapWindows.Count == 0 && Unavailable.Count == 0;

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

        return cap;
    }

    /// <summary>
    /// The site with the unavailable GPUs taken out of their pools (never below zero) and what they still
    /// draw, with its cooling, added to the base load: they take no work but still count against the cap.
    /// </summary>
    public Site ApplyTo(Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (Unavailable.Count == 0)
        {
            return site;
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
            Grid = site.Grid with { BaseLoad = site.Grid.BaseLoad + held },
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
        return plan with
        {
            Slots = [.. plan.Slots.Select(s =>
            {
                var notes = new List<string>(unavailable);
                foreach (var w in CapWindows.Where(w => w.From < s.Start + s.Length && w.Until > s.Start))
                {
                    notes.Add(string.Create(CultureInfo.InvariantCulture,
                        $"grid cap lowered to {w.Cap.Kilowatts:0.#} kW (contract {site.Grid.ImportCap.Kilowatts:0.#} kW) until {w.Until:HH:mm} UTC: {w.Why}"));
                }

                return notes.Count == 0 ? s : s with { Explanations = [.. notes, .. s.Explanations] };
            })],
        };
    }

    /// <summary>Identifies the conditions: a plan made under one key need not be remade while the key stays.</summary>
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
