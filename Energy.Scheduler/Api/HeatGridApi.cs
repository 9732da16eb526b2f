using System.Globalization;
using System.Security.Cryptography;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Scheduler.Plant;
using Energy.Telemetry.Health;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Signals;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Energy.Scheduler.Api;

/// <summary>The HTTP API: health, live status and the current plan. JSON is camelCase.</summary>
public static class HeatGridApi
{
    public static IEndpointRouteBuilder MapHeatGridApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", (StatusBoard board, Alarms alarms, IServiceProvider services) =>
        {
            // The process is up while it answers; "degraded" while a critical alarm (state that cannot be kept,
            // forged control messages…) stands, with the reasons. The links say how its inputs are doing.
            var mqtt = services.GetService<MqttLink>();
            var ha = services.GetService<Ha.ILeadership>()?.View();
            var critical = alarms.Critical();
            return Results.Ok(new
            {
                status = critical.Count == 0 ? "ok" : "degraded",
                reasons = critical.Select(a => a.Message).ToList(),
                controlLoop = board.Current is null ? "starting" : "running",
                mqtt = mqtt is null ? null : new { state = mqtt.State.ToString().ToLowerInvariant(), error = mqtt.LastError },
                ha,
            });
        }).WithSummary("Liveness: ok, or degraded with the critical alarms' reasons; the control loop and MQTT link").Produces(StatusCodes.Status200OK);

        endpoints.MapGet("/api/status", (StatusBoard board, IServiceProvider services) => board.Current is { } status
            ? Results.Ok(services.GetService<Ha.ILeadership>() is { } leadership ? status with { Ha = leadership.View() } : status)
            : Results.Problem("The control loop has not completed its first tick yet.", statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithSummary("What the site is doing now: import and cap, workloads, heat, GPUs, warnings").Produces<SiteStatus>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // The history's queue, spool and database writes (--influx); 404 with the embedded store.
        endpoints.MapGet("/api/history", (IServiceProvider services) => services.GetService<Telemetry.History.SpooledTimeSeriesStore>() is { } history
            ? Results.Ok(history.Status())
            : Results.Problem("No history database is configured (--influx): telemetry goes to the embedded store.", statusCode: StatusCodes.Status404NotFound))
            .WithSummary("The history database's queue, spool and writes (--influx)").Produces<Telemetry.History.HistoryStatus>().ProducesProblem(StatusCodes.Status404NotFound);

        endpoints.MapGet("/api/plan", (CurrentPlan plan, Site site, TimeProvider time, IServiceProvider services) => plan.Plan is { } p
            ? Results.Ok(PlanView.From(p) with
            {
                ForecastErrors = services.GetService<ForecastLedger>() is { } ledger ? ForecastErrorsView.From(site, ledger, time.GetUtcNow()) : null,
                PolicyVersion = plan.PolicyVersion,
            })
            : Results.Problem("No plan has been made yet.", statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithSummary("The current plan per slot, with forecast errors").Produces<PlanView>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        endpoints.MapGet("/api/signals", (SignalRegistry signals, TimeProvider time, IServiceProvider services) =>
        {
            var now = time.GetUtcNow();
            var bad = services.GetService<MqttSignalIngest>()?.BadBySignal;
            return Results.Ok(signals.Snapshot(now).Select(r => new SignalView(r.Signal, r.IsGood || r.Quality == Quality.Uncertain ? r.Value : null,
                r.Unit.Symbol, r.Quality.ToString().ToLowerInvariant(), r.Reason, r.Source, Math.Round((now - r.Timestamp).TotalSeconds, 3),
                bad is not null && bad.TryGetValue(r.Signal, out var n) ? n : 0)));
        }).WithSummary("Every input with its value, quality, reason, source and age").Produces<IEnumerable<SignalView>>();

        endpoints.MapGet("/api/agents", (Fleet fleet, TimeProvider time) => Results.Ok(fleet.Agents(time.GetUtcNow())))
            .WithSummary("The node agents: online, state, GPUs, commanded power, clock offset").Produces(StatusCodes.Status200OK);

        endpoints.MapGet("/api/dr/events", (DemandResponseLog log) => Results.Ok(log.Latest()))
            .WithSummary("Demand-response evidence, newest first").Produces(StatusCodes.Status200OK);

        endpoints.MapGet("/api/dr/summary", (DemandResponseLog log) => Results.Ok(DemandResponseSummary.Of(log.Latest(int.MaxValue))))
            .WithSummary("Demand-response evidence summed up per kind and deadline").Produces(StatusCodes.Status200OK);

        endpoints.MapGet("/api/dr/curtailments", (GridLimit limit, TimeProvider time) => Results.Ok(limit.Active(time.GetUtcNow())
            .Select(c => new { c.Id, capKw = c.Cap.Kilowatts, c.From, c.Until, c.Reason })))
            .WithSummary("The curtailments in force").Produces(StatusCodes.Status200OK);

        endpoints.MapPost("/api/dr/curtail", (CurtailBody body, GridLimit limit, Site site, DemandResponseLog log, StatusBoard board, TimeProvider time,
            HttpContext http, [FromServices] IAuditTrail? audit) =>
        {
            // The id is the operator's own; one is made up only when none is given. An id in force is not replaced (409).
            var now = time.GetUtcNow();
            var id = string.IsNullOrWhiteSpace(body.Id)
                ? $"hg-{now.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}"
                : body.Id;
            var request = new CurtailmentRequest(AgentJson.Version, id, body.TargetKw ?? double.NaN, body.DurationSeconds ?? double.NaN, body.Reason);
            var capBefore = limit.CapAt(now).Kilowatts;
            var decision = CurtailmentListener.Decide(limit, site, log, request, now, time, board.Current?.GridImportKw, Caller(http));
            var answer = new { request.Id, capKw = limit.CapAt(now).Kilowatts, until = now.AddSeconds(request.DurationSeconds) };
            if (decision.Outcome is CurtailOutcome.InForce or CurtailOutcome.InForceNotPersisted)
            {
                audit?.Record(Actor(http), "dr.curtail", new { capKw = capBefore }, new { answer.Id, targetKw = request.TargetKw, answer.capKw, answer.until },
                    request.Reason);
            }

            return decision.Outcome switch
            {
                CurtailOutcome.InForce => Results.Accepted("/api/dr/curtailments", answer),

                // In force but not saved: shedding is what the operator asked for, so it holds; 503 says it would not survive a restart.
                CurtailOutcome.InForceNotPersisted => Results.Problem(decision.Message, statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "In force, not persisted", extensions: new Dictionary<string, object?>
                    {
                        ["id"] = answer.Id, ["capKw"] = answer.capKw, ["until"] = answer.until, ["inForce"] = true, ["persisted"] = false,
                    }),
                CurtailOutcome.IdInForce or CurtailOutcome.TooMany => Results.Problem(decision.Message, statusCode: StatusCodes.Status409Conflict),
                _ => Results.Problem(decision.Message, statusCode: StatusCodes.Status400BadRequest),
            };
        }).WithSummary("Curtail: hold the site's import at or below targetKw for durationSeconds").Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        endpoints.MapDelete("/api/dr/curtail/{id}", (string id, GridLimit limit, TimeProvider time, HttpContext http, [FromServices] IAuditTrail? audit) =>
        {
            var now = time.GetUtcNow();
            var (cancelling, capBefore) = (limit.Find(id, now), limit.CapAt(now).Kilowatts);
            var outcome = limit.Cancel(id, now, Caller(http));
            if (outcome is CancelOutcome.Cancelled or CancelOutcome.CancelledNotPersisted && cancelling is { } c)
            {
                audit?.Record(Actor(http), "dr.cancel", new { capKw = capBefore, curtailment = new { c.Id, capKw = c.Cap.Kilowatts, c.Until, c.Reason, c.SetBy } },
                    new { capKw = limit.CapAt(now).Kilowatts, curtailment = (object?)null }, $"curtailment '{id}' cancelled");
            }

            return outcome switch
            {
                CancelOutcome.Cancelled => Results.NoContent(),
                CancelOutcome.CancelledNotPersisted => Results.Problem(
                    $"curtailment '{id}' no longer holds, but the data folder refused to save that: after a restart it would hold again (see /health)",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Cancelled, not persisted"),
                _ => Results.Problem($"no curtailment '{id}' is in force", statusCode: StatusCodes.Status404NotFound),
            };
        }).WithSummary("End a curtailment").Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // The demo's knob for what the site meter should reveal: the demo site's real base load.
        endpoints.MapGet("/api/demo/base-load", (IServiceProvider services) => services.GetService<DemoWorld>() is { } world
            ? Results.Ok(new { baseLoadKw = world.BaseLoad.Kilowatts })
            : NoDemo()).WithSummary("The demo site's real base load (heatgrid run's demo only)").Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status404NotFound);

        endpoints.MapPost("/api/demo/base-load", (DemoBaseLoadBody body, Site site, IServiceProvider services, HttpContext http, [FromServices] IAuditTrail? audit) =>
        {
            if (services.GetService<DemoWorld>() is not { } world)
            {
                return NoDemo();
            }

            var kw = body.BaseLoadKw ?? (body.StepKw is { } step ? world.BaseLoad.Kilowatts + step : double.NaN);
            var most = 2 * site.Grid.ImportCap.Kilowatts;
            if (!double.IsFinite(kw) || kw < 0 || kw > most)
            {
                return Results.Problem(string.Create(CultureInfo.InvariantCulture,
                    $"give baseLoadKw (or stepKw) so that the demo's base load is a number from 0 to {most:0} kW"), statusCode: StatusCodes.Status400BadRequest);
            }

            var before = world.BaseLoad.Kilowatts;
            world.BaseLoad = Power.FromKilowatts(kw);
            audit?.Record(Actor(http), "demo.baseLoad", new { baseLoadKw = before }, new { baseLoadKw = kw }, "the demo's base load set through the API");
            return Results.Ok(new { baseLoadKw = kw });
        }).WithSummary("Set the demo site's base load, absolute or as a step").Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        endpoints.MapLedgerApi();                                                        // the energy ledger: /api/ledger
        endpoints.MapStatementsApi();
        Security.ApiSecurity.MapUsersApi(endpoints);
        endpoints.MapAuditApi();                                                         // the audit trail: /api/audit
        endpoints.MapTenantApi();                                                        // a tenant's own view: /api/tenants/{tenant}
        endpoints.MapPolicyApi();                                                        // the operator policy at run time: /api/policy
        Pouw.PouwApi.MapPouwApi(endpoints);                                              // proof of useful work: /api/pouw
        Security.BrowserSessionApi.MapSessionApi(endpoints);                             // the browser's login: /api/session
        Dashboard.DashboardEvents.MapDashboardEvents(endpoints);                         // the dashboard's live feed: /api/events
        return endpoints;
    }

    /// <summary>Who is asking, as logged and kept with a curtailment: the authenticated user and role (or anonymous) and the address.</summary>
    private static string Caller(HttpContext http) => Security.ApiCaller.Of(http).ToString();

    /// <summary>The same caller as the audit trail keeps it: user, role (or anonymous) and address.</summary>
    private static AuditActor Actor(HttpContext http) => AuditActor.Of(Security.ApiCaller.Of(http));

    private static IResult NoDemo() =>
        Results.Problem("this process runs no demo world (a real site): its base load is what the site meter shows", statusCode: StatusCodes.Status404NotFound);

    /// <summary>The body of <c>POST /api/demo/base-load</c>: the demo site's load HeatGrid does not control, absolute or as a step.</summary>
    public sealed record DemoBaseLoadBody(double? BaseLoadKw, double? StepKw);

    /// <summary>The body of <c>POST /api/dr/curtail</c>: keep the site's import at or below targetKw for durationSeconds.</summary>
    public sealed record CurtailBody(string? Id, double? TargetKw, double? DurationSeconds, string? Reason);
}
