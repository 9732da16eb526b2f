using Energy.Contracts.Planning;

namespace Energy.Scheduler.Api;

/// <summary>The body of <c>GET /api/plan</c>: the plan in plain numbers with units in the names.</summary>
public sealed record PlanView(string Site, string Planner, DateTimeOffset CreatedAt, IReadOnlyList<PlanSlotView> Slots)
{
    /// <summary>How the forecasts of the last 24 h did; null where the host keeps no ledger.</summary>
    public ForecastErrorsView? ForecastErrors { get; init; }

    /// <summary>The operator policy's version the plan was made under (<c>GET /api/policy</c>).</summary>
    public int? PolicyVersion { get; init; }

    public static PlanView From(Plan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new PlanView(plan.Site, plan.Planner, plan.CreatedAt, plan.Slots.Select(s => new PlanSlotView(
            s.Start,
            s.Length.TotalMinutes,
            s.SpotPrice.PerMegawattHour,
            s.ImportCost.PerMegawattHour,
            Math.Round(s.GridImport.Kilowatts, 3),
            s.Allocations.Select(a => new AllocationView(a.Pool, a.Workload, Math.Round(a.Power.Kilowatts, 3), a.Gpus)).ToList(),
            s.Heat.Select(h => new HeatView(h.Loop, Kw(h.Demand), Kw(h.Captured), Kw(h.ToConsumer), Kw(h.ToStorage),
                Kw(h.FromStorage), Kw(h.Dumped), Kw(h.Boiler), Kw(h.Shortfall), Math.Round(h.StoredAtEnd.KilowattHours, 3))).ToList(),
            s.Explanations,
            s.Violations)).ToList());
    }

    private static double Kw(Contracts.Units.Power p) => Math.Round(p.Kilowatts, 3);
}

public sealed record PlanSlotView(
    DateTimeOffset Start,
    double LengthMinutes,
    double SpotPricePerMwh,
    double ImportCostPerMwh,
    double GridImportKw,
    IReadOnlyList<AllocationView> Allocations,
    IReadOnlyList<HeatView> Heat,
    IReadOnlyList<string> Explanations,
    IReadOnlyList<string> Violations);

public sealed record AllocationView(string Pool, string Workload, double PowerKw, int Gpus);

public sealed record HeatView(
    string Loop,
    double DemandKw,
    double CapturedKw,
    double ToConsumerKw,
    double ToStorageKw,
    double FromStorageKw,
    double DumpedKw,
    double BoilerKw,
    double ShortfallKw,
    double StoredAtEndKwh);
