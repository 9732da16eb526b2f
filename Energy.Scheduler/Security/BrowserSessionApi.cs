using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Security;

/// <summary>
/// The browser's login: <c>POST /api/session</c> <c>{ "key": "hg_…" }</c> opens a session (cookie <c>hg_session</c>,
/// HttpOnly, SameSite=Strict, Secure over https) and answers its CSRF token; <c>GET</c> answers the same document, or 401;
/// <c>DELETE</c> logs out. A wrong key is a failed authentication like any other (401, then 429). A request the cookie
/// authenticates that is not GET or HEAD must carry <c>X-CSRF-Token</c> (<see cref="UseCsrfCheck"/>), else 403.
/// </summary>
public static class BrowserSessionApi
{
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/session", (LoginBody? body, HttpContext http, UserDirectory users, BrowserSessions sessions, FailedAuthentications failures,
            ILogger<BrowserSessions> logger) =>
        {
            if (users.IsOpen)
            {
                return Results.Ok(OpenDocument);
            }

            var (user, refusal) = string.IsNullOrWhiteSpace(body?.Key) ? (null, "no key given") : users.Authenticate(body.Key.Trim());
            var remote = ApiKeyAuthenticationHandler.RemoteAddress(http);
            if (user is null)
            {
                failures.Failed(remote, refusal!);
                return Results.Problem($"login refused: {refusal}", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
            }

            var keyId = ApiKey.TryParse(body!.Key!.Trim(), out var key) ? key!.Id : string.Empty;
            var session = sessions.Open(user, keyId);
            http.Response.Cookies.Append(BrowserSessions.Cookie, session.Id, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                Secure = http.Request.IsHttps,
                Expires = session.Expires,
                IsEssential = true,
            });
            Log.SessionOpened(logger, user.Name, user.Role.Name(), keyId, remote);
            return Results.Ok(Document(user, session));
        }).WithSummary("Log in the browser with an API key: a session cookie and its CSRF token").Produces<SessionDocument>()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests);

        endpoints.MapGet("/api/session", (HttpContext http, UserDirectory users, BrowserSessions sessions) =>
        {
            if (users.IsOpen)
            {
                return Results.Ok(OpenDocument);
            }

            var session = sessions.Find(http.Request.Cookies[BrowserSessions.Cookie]);
            var user = session is null ? null : users.Users.FirstOrDefault(u => u.Name == session.User && u.Keys.Any(k => k.Id == session.KeyId));
            return user is null
                ? Results.Problem("no session: log in with POST /api/session { \"key\": \"hg_…\" }", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized")
                : Results.Ok(Document(user, session!));
        }).WithSummary("The browser session: user, role, tenant and CSRF token, or 401").Produces<SessionDocument>().ProducesProblem(StatusCodes.Status401Unauthorized);

        endpoints.MapDelete("/api/session", (HttpContext http, BrowserSessions sessions, ILogger<BrowserSessions> logger) =>
        {
            var id = http.Request.Cookies[BrowserSessions.Cookie];
            if (sessions.Find(id) is { } session)
            {
                Log.SessionClosed(logger, session.User, ApiKeyAuthenticationHandler.RemoteAddress(http));
            }

            sessions.Close(id);
            http.Response.Cookies.Delete(BrowserSessions.Cookie, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps });
            return Results.NoContent();
        }).WithSummary("Log the browser out: the session ends").Produces(StatusCodes.Status204NoContent);
        return endpoints;
    }

    /// <summary>403 for a request the session cookie authenticated that changes something (not GET or HEAD) without the session's <c>X-CSRF-Token</c>.</summary>
    public static WebApplication UseCsrfCheck(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var sessions = app.Services.GetRequiredService<BrowserSessions>();
        var logger = app.Services.GetRequiredService<ILogger<BrowserSessions>>();
        app.Use(async (context, next) =>
        {
            var method = context.Request.Method;
            if (context.User.Identity is { IsAuthenticated: true, AuthenticationType: SessionAuthenticationHandler.SchemeName }
                && !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method)
                && (sessions.Find(context.User.FindFirst(SessionAuthenticationHandler.SessionClaim)?.Value) is not { } session
                    || !BrowserSessions.CsrfMatches(session, context.Request.Headers[BrowserSessions.CsrfHeader].ToString())))
            {
                Log.CsrfRefused(logger, context.User.Identity.Name ?? "?", method, context.Request.Path, ApiKeyAuthenticationHandler.RemoteAddress(context));
                await Results.Problem($"{method} with a session cookie needs the session's {BrowserSessions.CsrfHeader} header (from POST or GET /api/session)",
                    statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    /// <summary>What the browser is told while the API is open (no users, loopback): anyone may do anything, no login.</summary>
    private static SessionDocument OpenDocument => new(ApiCaller.Anonymous, null, null, null, Open: true);

    private static SessionDocument Document(ApiUser user, BrowserSession session) =>
        new(user.Name, user.Role.Name(), user.Tenant, session.CsrfToken, Open: false, session.Expires);

    /// <summary>The body of <c>POST /api/session</c>.</summary>
    public sealed record LoginBody(string? Key);

    /// <summary>A session: who, which role and tenant, the CSRF token to send with writes; <c>open</c> while the API needs no login.</summary>
    public sealed record SessionDocument(string User, string? Role, string? Tenant, string? CsrfToken, bool Open, DateTimeOffset? Expires = null);
}
