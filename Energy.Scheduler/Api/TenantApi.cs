using Energy.Contracts.Sites;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Energy.Scheduler.Api;

/// <summary>
/// <c>GET /api/tenants/{tenant}</c>: one tenant's own part of the site, the view a <c>tenant</c> key may read
/// (<see cref="Security.ApiAccess"/>): its inference workloads with their contract (SLA, contracted and wanted
/// GPUs), what they draw and run on now, its GPUs with their energy counters, and its allocations in the plan.
/// Nothing of another tenant, of mining or of the heat plant is in it.
/// </summary>
public static class TenantApi
{
    public static void MapTenantApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/tenants/{tenant}", (string tenant, Site site, StatusBoard board, CurrentPlan plan, TimeProvider time) =>
        {
            var own = site.Workloads.OfType<InferenceWorkload>().Where(w => string.Equals(w.Tenant, tenant, StringComparison.Ordinal)).ToList();
            if (own.Count == 0)
            {
                var known = string.Join(", ", site.Workloads.OfType<InferenceWorkload>().Select(w => w.Tenant).Distinct(StringComparer.Ordinal));
                return Results.Problem($"No workload of site '{site.Name}' is for tenant '{tenant}' (tenants: {(known.Length == 0 ? "none" : known)}).",
                    statusCode: StatusCodes.Status404NotFound);
            }

            return Results.Ok(TenantView.Of(tenant, own, site.TimeZone, time.GetUtcNow(), board.Current, plan.Plan));
        }).WithSummary("One tenant's workloads, GPUs and planned allocations (what a tenant key may read)")
            .Produces<TenantView>().ProducesProblem(StatusCodes.Status404NotFound);
    }
}

/// <summary>The body of <c>GET /api/tenants/{tenant}</c>.</summary>
/// <param name="At">When the control loop's status it is made of was current; null before its first tick.</param>
public sealed record TenantView(
    string Tenant,
    DateTimeOffset? At,
    IReadOnlyList<TenantWorkloadView> Workloads,
    IReadOnlyList<GpuAssignmentView> Gpus,
    IReadOnlyList<TenantPlanSlotView> Plan)
{
    public static TenantView Of(string tenant, IReadOnlyList<InferenceWorkload> own, TimeZoneInfo zone, DateTimeOffset now, SiteStatus? status,
        Contracts.Planning.Plan? plan)
    {
        var names = own.Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        // A GPU is the tenant's while it runs or is being moved to one of its workloads.
        var gpus = status?.GpuAssignments.Where(g => names.Contains(g.RunningWorkload ?? g.Workload ?? string.Empty)).ToList() ?? [];
        var workloads = own.Select(w =>
        {
            var live = status?.Workloads.FirstOrDefault(s => s.Name == w.Name);
            return new TenantWorkloadView(w.Name, w.SlaMinGpus, w.MaxGpus, w.DemandAt(now, zone), w.PricePerGpuHour.Amount,
                w.PricePerGpuHour.Currency.Code, live?.PowerKw ?? 0, live?.Gpus ?? 0,
                Math.Round(gpus.Where(g => (g.RunningWorkload ?? g.Workload) == w.Name).Sum(g => g.EnergyCounterKwh), 6));
        }).ToList();
        var slots = plan?.Slots.Select(s => new TenantPlanSlotView(s.Start, s.Length.TotalMinutes,
            s.Allocations.Where(a => names.Contains(a.Workload)).Select(a => new AllocationView(a.Pool, a.Workload, Math.Round(a.Power.Kilowatts, 3), a.Gpus)).ToList()))
            .ToList() ?? [];
        return new TenantView(tenant, status?.Time, workloads, gpus, slots);
    }
}

/// <param name="EnergyCounterKwh">The sum of the energy counters of the GPUs on it now (as <c>/api/status</c> shows them).</param>
public sealed record TenantWorkloadView(string Name, int SlaMinGpus, int MaxGpus, int DemandGpusNow, double PricePerGpuHour, string Currency, double PowerKw, int Gpus,
    double EnergyCounterKwh);

/// <summary>A plan slot with only the tenant's own allocations.</summary>
public sealed record TenantPlanSlotView(DateTimeOffset Start, double LengthMinutes, IReadOnlyList<AllocationView> Allocations);
