using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Energy.Contracts.Sites;
using Energy.Scheduler.Api;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Scheduler.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Energy.Scheduler.Dashboard;

/// <summary>
/// <c>GET /api/events</c> (text/event-stream): the dashboard's live feed. <c>status</c> (as <c>GET /api/status</c>) after
/// each control tick, <c>plan</c> (as <c>GET /api/plan</c>) when the planner replaces it, and, for an operator or admin
/// (who may read <c>GET /api/audit</c>), <c>audit</c> with the entries new since the last one sent. The same roles as the
/// reads: a tenant is refused (403) like for <c>/api/status</c>, which shows every tenant. Each client holds at most one
/// pending wake-up (the latest status wins, a slow client skips ticks, nothing queues), and at most
/// <see cref="MaxClients"/> clients stream at once (503 beyond). A stream ends when its session or key does.
/// </summary>
public static class DashboardEvents
{
    public const int MaxClients = 32;
    public const int AuditBatch = 50;

    private static int _clients;

    public static IEndpointRouteBuilder MapDashboardEvents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/events", (HttpContext http, StatusBoard board, CurrentPlan plan, IServiceProvider services, ILogger<StatusBoard> logger) =>
        {
            if (Interlocked.Increment(ref _clients) > MaxClients)
            {
                Interlocked.Decrement(ref _clients);
                Log.EventClientsFull(logger, MaxClients, ApiKeyAuthenticationHandler.RemoteAddress(http));
                return Results.Problem($"{MaxClients} clients already follow the live events; try again later", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            return TypedResults.ServerSentEvents(Stream(http, board, plan, services, http.RequestAborted));
        }).WithSummary("Live events (text/event-stream): status each control tick, the plan when it changes, new audit entries (operator, admin)")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async IAsyncEnumerable<SseItem<string>> Stream(HttpContext http, StatusBoard board, CurrentPlan plan, IServiceProvider services,
        [EnumeratorCancellation] CancellationToken cancel)
    {
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var audit = services.GetService<IAuditTrail>();
        var caller = ApiCaller.Of(http);
        var seesAudit = audit is not null && (caller.Role is ApiRole.Operator or ApiRole.Admin || services.GetRequiredService<UserDirectory>().IsOpen);
        var session = http.User.FindFirst(SessionAuthenticationHandler.SessionClaim)?.Value;
        var sessions = services.GetRequiredService<BrowserSessions>();
        var users = services.GetRequiredService<UserDirectory>();
        var keyId = http.User.FindFirst(ApiClaims.KeyId)?.Value;
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void Wake() => wake.Writer.TryWrite(true);
        board.Published += Wake;
        plan.Replaced += Wake;
        try
        {
            object? sentStatus = null, sentPlan = null;
            var auditSeq = audit is not null && LatestOrNone(audit, 1, 0) is [var newest, ..] && newest.TryGetProperty("seq", out var seq) ? seq.GetInt64() : 0;
            Wake();
            while (await WaitAsync(wake.Reader, cancel))
            {
                wake.Reader.TryRead(out _);
                // A logout, an expired session, a revoked key or a removed user ends the stream at the next tick.
                if ((session is not null && sessions.Find(session) is null)
                    || (keyId is not null && !users.IsOpen && !users.Users.Any(u => u.Name == caller.Name && u.Keys.Any(k => k.Id == keyId))))
                {
                    yield return new SseItem<string>("{\"reason\":\"the session or key ended\"}", "end");
                    yield break;
                }

                if (plan.Plan is { } p && !ReferenceEquals(p, sentPlan))
                {
                    sentPlan = p;
                    var view = PlanView.From(p) with
                    {
                        PolicyVersion = plan.PolicyVersion,
                        ForecastErrors = services.GetService<ForecastLedger>() is { } ledger
                            ? ForecastErrorsView.From(services.GetRequiredService<Site>(), ledger, services.GetRequiredService<TimeProvider>().GetUtcNow())
                            : null,
                    };
                    yield return new SseItem<string>(JsonSerializer.Serialize(view, json), "plan");
                }

                if (board.Current is { } status && !ReferenceEquals(status, sentStatus))
                {
                    sentStatus = status;
                    var shown = services.GetService<Ha.ILeadership>() is { } leadership ? status with { Ha = leadership.View() } : status;
                    yield return new SseItem<string>(JsonSerializer.Serialize(shown, json), "status");
                }

                if (seesAudit && LatestOrNone(audit!, AuditBatch, auditSeq) is { Count: > 0 } entries)
                {
                    auditSeq = entries.Max(e => e.TryGetProperty("seq", out var s) ? s.GetInt64() : auditSeq);
                    yield return new SseItem<string>(JsonSerializer.Serialize(entries, json), "audit");
                }
            }
        }
        finally
        {
            board.Published -= Wake;
            plan.Replaced -= Wake;
            Interlocked.Decrement(ref _clients);
        }
    }

    /// <summary>The trail's entries, or none while it cannot be read (--ha: the database away): the stream goes on, the entries come at a later tick.</summary>
    private static IReadOnlyList<JsonElement> LatestOrNone(IAuditTrail audit, int limit, long since)
    {
        try
        {
            return audit.Latest(limit, since);
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static async Task<bool> WaitAsync(ChannelReader<bool> reader, CancellationToken cancel)
    {
        try
        {
            return await reader.WaitToReadAsync(cancel);
        }
        catch (OperationCanceledException)
        {
            return false;   // the client went away
        }
    }
}
