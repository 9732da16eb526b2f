using System.Data.Common;
using Energy.Scheduler.Books;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Api;

/// <summary>
/// <c>GET /api/statements?from=DATE&amp;to=DATE&amp;tenant=NAME|heatBuyer=NAME|facility=true&amp;format=json|csv|md</c>:
/// the statement <c>heatgrid report</c> makes, from this process's ledger. Bad input is a 400 with the command
/// line's sentences, an unknown party a 404 naming those the window knows, a process without a ledger a 503.
/// </summary>
public static class StatementsApi
{
    public static IEndpointRouteBuilder MapStatementsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/statements", (string? from, string? to, string? tenant, string? heatBuyer, string? facility, string? format,
            IServiceProvider services) =>
        {
            if (Facility(facility) is not { } isFacility)
            {
                return Results.Problem($"facility: expected true or false, got '{(facility!.Length <= 40 ? facility : facility[..40] + "…")}'",
                    statusCode: StatusCodes.Status400BadRequest);
            }

            var (request, error) = StatementRequest.Parse(new StatementArguments(from, to, tenant, heatBuyer, isFacility, format), StatementArgumentNames.Http);
            if (request is null)
            {
                return Results.Problem(error, statusCode: StatusCodes.Status400BadRequest);
            }

            if (services.GetService<ILedgerReader>() is not { } ledger)
            {
                return Results.Problem("no ledger in this process", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            var logger = services.GetService<ILoggerFactory>()?.CreateLogger(typeof(StatementsApi).FullName!) ?? NullLogger.Instance;
            try
            {
                var statement = StatementBuilder.Build(ledger, request);
                Log.StatementServed(logger, request.Party.ToString(), StatementRequest.Iso(request.From), StatementRequest.Iso(request.To),
                    StatementFormats.Extension(request.Format), statement.Total.Slots);
                return Results.Text(StatementFormats.Render(statement, request.Format), StatementFormats.ContentType(request.Format));
            }
            catch (StatementPartyException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
            }
            catch (StatementInputException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            catch (Exception e) when (e is DbException or IOException)
            {
                Log.StatementReadFailed(logger, request.Party.ToString(), StatementRequest.Iso(request.From), StatementRequest.Iso(request.To), e);
                return Results.Problem($"the ledger could not be read: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).WithSummary("A statement for a tenant, a heat buyer or the facility, as JSON, CSV or Markdown")
            .Produces(StatusCodes.Status200OK, contentType: "application/json", additionalContentTypes: ["text/csv", "text/markdown"])
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    /// <summary><c>facility</c>, <c>facility=true</c> or <c>=1</c> ask for the facility; absent, <c>false</c> or <c>0</c> do not; anything else is refused.</summary>
    private static bool? Facility(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        null or "FALSE" or "0" => false,
        "" or "TRUE" or "1" => true,
        _ => null,
    };
}
