using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Energy.Scheduler.Security;

/// <summary>
/// A refused request as ProblemDetails: 401 with <c>WWW-Authenticate</c> without a key or with a wrong one, 403 with the
/// rule that refused a key of too low a role. Nothing else of the request is run.
/// </summary>
public sealed class ApiAccessProblems(ILogger<ApiAccessProblems> logger) : IAuthorizationMiddlewareResultHandler
{
    public const string Challenge = "Bearer realm=\"heatgrid\"";

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Succeeded)
        {
            await next(context);
            return;
        }

        if (authorizeResult.Forbidden)
        {
            var reason = string.Join("; ", authorizeResult.AuthorizationFailure?.FailureReasons.Select(r => r.Message) ?? []);
            Log.AccessForbidden(logger, context.User.Identity?.Name ?? "?", context.Request.Method, context.Request.Path, reason);
            await Results.Problem(reason, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(context);
            return;
        }

        // The middleware keeps only a successful result; the handler answers again from its per-request cache (nothing is counted twice).
        var failure = (await context.AuthenticateAsync(ApiClaims.Scheme)).Failure?.Message;
        context.Response.Headers[HeaderNames.WWWAuthenticate] = failure is null ? Challenge : $"{Challenge}, error=\"invalid_token\"";
        var detail = failure is null
            ? $"this API needs a key: 'Authorization: Bearer hg_…' or '{ApiKeyAuthenticationHandler.ApiKeyHeader}: hg_…' (made with heatgrid users add|key)"
            : $"the key was refused: {failure}";
        await Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(context);
    }
}
