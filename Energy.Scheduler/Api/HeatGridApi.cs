using Energy.Scheduler.Planning;
using Energy.Scheduler.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Energy.Scheduler.Api;

/// <summary>The HTTP API: health, live status and the current plan. JSON is camelCase.</summary>
public static class HeatGridApi
{
    public static IEndpointRouteBuilder MapHeatGridApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", (StatusBoard board) => Results.Ok(new { status = "ok", controlLoop = board.Current is null ? "starting" : "running" }));

        endpoints.MapGet("/api/status", (StatusBoard board) => board.Current is { } status
            ? Results.Ok(status)
            : Results.Problem("The control loop has not completed its first tick yet.", statusCode: StatusCodes.Status503ServiceUnavailable));

        endpoints.MapGet("/api/plan", (CurrentPlan plan) => plan.Plan is { } p
            ? Results.Ok(PlanView.From(p))
            : Results.Problem("No plan has been made yet.", statusCode: StatusCodes.Status503ServiceUnavailable));

        return endpoints;
    }
}
