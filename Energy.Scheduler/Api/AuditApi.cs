using System.Globalization;
using Energy.Scheduler.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Energy.Scheduler.Api;

/// <summary><c>GET /api/audit?limit=N&amp;since=SEQ</c>: the audit trail's entries after seq SEQ, newest first, at most N (default 100).</summary>
public static class AuditApi
{
    public const int DefaultLimit = 100;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/audit", (string? limit, string? since, [FromServices] IAuditTrail audit) =>
        {
            if (!TryParse(limit, DefaultLimit, 1, AuditLog.MaxLimit, out var n))
            {
                return Results.Problem($"limit: expected a whole number from 1 to {AuditLog.MaxLimit}, got '{limit}'", statusCode: StatusCodes.Status400BadRequest);
            }

            if (!TryParse(since, 0, 0, long.MaxValue, out var after))
            {
                return Results.Problem($"since: expected a seq, a whole number from 0, got '{since}'", statusCode: StatusCodes.Status400BadRequest);
            }

            try
            {
                return Results.Ok(audit.Latest((int)n, after));
            }
            catch (IOException e)
            {
                // --ha: the shared database does not answer.
                return Results.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).WithSummary("The audit trail's entries after seq since, newest first (operator or admin)").Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static bool TryParse(string? text, long fallback, long least, long most, out long value)
    {
        value = fallback;
        return text is null
            || (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= least && value <= most);
    }
}
