using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Energy.Scheduler.Ha;

/// <summary>
/// A standby serves the API read-only: every write (a method other than GET, HEAD, OPTIONS) is answered 503 with where the
/// leader is — its name, its URL and that URL with the request's path, so that a client or operator sends it there — and
/// <c>Retry-After</c>, as a takeover takes seconds. Signing in and out (<c>/api/session</c>) work on a standby too: its pages
/// are readable. Runs after authentication and authorization, so a caller without the right role hears 401/403 first.
/// </summary>
public static class StandbyWrites
{
    public static WebApplication UseStandbyReadOnly(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<ILeadership>() is not { } leadership)
        {
            return app;
        }

        var logger = app.Services.GetRequiredService<ILogger<HaTakeover>>();
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
                || request.Path.StartsWithSegments("/api/session", StringComparison.OrdinalIgnoreCase)
                || leadership.MayDispatch())
            {
                await next(context);
                return;
            }

            var view = leadership.View();
            var leader = view.Leader is { } name && name != view.Name ? name : null;
            var at = leader is not null && view.LeaderUrl is { } url ? url.TrimEnd('/') + request.Path + request.QueryString : null;
            Log.HaWriteRefused(logger, request.Method, request.Path.Value ?? "", leader is null ? "none leads now" : at ?? leader);
            context.Response.Headers[HeaderNames.RetryAfter] = "2";
            var detail = leader is null
                ? "this controller is a standby and no controller leads now (a takeover is under way, or the database is away): try again in a few seconds"
                : $"this controller is a standby: writes go to the leader, {leader}" + (at is null ? "" : $", at {at}");
            await Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Standby: read-only",
                extensions: new Dictionary<string, object?>
                {
                    ["role"] = "standby",
                    ["leader"] = leader,
                    ["leaderUrl"] = view.LeaderUrl,
                    ["location"] = at,
                    ["epoch"] = view.Epoch,
                }).ExecuteAsync(context);
        });
        return app;
    }
}
