using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Energy.Scheduler.Api;

/// <summary>
/// A request that does not bind (malformed JSON, a string where a number belongs, a body too large or of the
/// wrong type) is answered with its status (400, 413, 415) and a ProblemDetails body saying why, not a 500.
/// </summary>
internal sealed class BadRequestProblems : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await HttpBounds.TooLarge(null).ExecuteAsync(httpContext);
            return true;
        }

        var detail = bad.InnerException is JsonException json ? $"{bad.Message} {json.Message}" : bad.Message;
        await Results.Problem(detail, statusCode: bad.StatusCode).ExecuteAsync(httpContext);
        return true;
    }
}

/// <summary>
/// A read of the database the controllers share (<c>--ha</c>) that cannot be served now (the database is away) is answered
/// 503 with Retry-After and why, not a 500: the request is fine, and it will work when the database answers.
/// </summary>
internal sealed class SharedDatabaseProblems : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not Ha.HaUnavailableException away)
        {
            return false;
        }

        httpContext.Response.Headers.RetryAfter = "5";
        await Results.Problem(away.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The shared database cannot be read now").ExecuteAsync(httpContext);
        return true;
    }
}
