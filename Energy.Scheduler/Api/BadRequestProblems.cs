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
