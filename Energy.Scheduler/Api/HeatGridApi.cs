using Energy.Contracts.Readings;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.DependencyInjection;

namespace Energy.Scheduler.Api;

/// <summary>The HTTP API: health, live status and the current plan. JSON is camelCase.</summary>
public static class HeatGridApi
{
    public static IEndpointRouteBuilder MapHeatGridApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", (StatusBoard board, IServiceProvider services) =>
        {
            // The process is healthy while it runs; the links say how its inputs are doing.
            var mqtt = services.GetService<MqttLink>();
            return Results.Ok(new
            {
                status = "ok",
                controlLoop = board.Current is null ? "starting" : "running",
                mqtt = mqtt is null ? null : new { state = mqtt.State.ToString().ToLowerInvariant(), error = mqtt.LastError },
            });
        });

        endpoints.MapGet("/api/status", (StatusBoard board) => board.Current is { } status
            ? Results.Ok(status)
            : Results.Problem("The control loop has not completed its first tick yet.", statusCode: StatusCodes.Status503ServiceUnavailable));

        endpoints.MapGet("/api/plan", (CurrentPlan plan) => plan.Plan is { } p
            ? Results.Ok(PlanView.From(p))
            : Results.Problem("No plan has been made yet.", statusCode: StatusCodes.Status503ServiceUnavailable));

        endpoints.MapGet("/api/signals", (SignalRegistry signals, TimeProvider time, IServiceProvider services) =>
        {
            var now = time.GetUtcNow();
            var bad = services.GetService<MqttSignalIngest>()?.BadBySignal;
            return Results.Ok(signals.Snapshot(now).Select(r => new SignalView(r.Signal, r.IsGood || r.Quality == Quality.Uncertain ? r.Value : null,
                r.Unit, r.Quality.ToString().ToLowerInvariant(), r.Reason, r.Source, Math.Round((now - r.Timestamp).TotalSeconds, 3),
                bad is not null && bad.TryGetValue(r.Signal, out var n) ? n : 0)));
        });

        return endpoints;
    }
}
