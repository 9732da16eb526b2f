using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Energy.Scheduler.Books;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Energy.Scheduler.Api;

/// <summary><c>GET /api/ledger?from=&amp;to=</c>: the energy ledger's slots starting in [from, to) (ISO 8601 instants), and its status.</summary>
public static class LedgerApi
{
    /// <summary>The longest window one request may ask for.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(400);

    /// <summary>The API's JSON, with how a figure was obtained in words ("counter", "integrated", "model").</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/ledger", (string? from, string? to, IServiceProvider services) =>
        {
            if (services.GetService<ILedgerReader>() is not { } ledger)
            {
                return Results.Problem("this process keeps no energy ledger", statusCode: StatusCodes.Status404NotFound);
            }

            if (Window(from, to) is { Problem: { } problem })
            {
                return Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest, title: "Bad ledger window");
            }

            var (since, until, _) = Window(from, to);
            return Results.Json(ledger.Read(since, until), Json);
        }).WithSummary("The energy ledger's slots starting in [from, to)").Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        endpoints.MapGet("/api/ledger/status", (IServiceProvider services) => services.GetService<EnergyRecorder>() is { } recorder
            ? Results.Ok(recorder.Status)
            : Results.Problem("this process keeps no energy ledger", statusCode: StatusCodes.Status404NotFound))
            .WithSummary("The energy recorder's status").Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    /// <summary>The window [from, to) of a request, or why it cannot be served.</summary>
    public static (DateTimeOffset Since, DateTimeOffset Until, string? Problem) Window(string? from, string? to)
    {
        if (string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(to))
        {
            return (default, default, "give from and to as ISO 8601 instants with an offset, e.g. from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z");
        }

        if (!Instant(from, out var since) || !Instant(to, out var until))
        {
            return (default, default, $"from ('{from}') and to ('{to}') must be ISO 8601 instants with an offset (Z or ±hh:mm)");
        }

        if (until <= since)
        {
            return (default, default, $"to ({until:o}) must be after from ({since:o})");
        }

        return until - since > MaxWindow
            ? (default, default, string.Create(CultureInfo.InvariantCulture, $"a window of {(until - since).TotalDays:0.#} days is more than one request serves ({MaxWindow.TotalDays:0} days): ask in parts"))
            : (since.ToUniversalTime(), until.ToUniversalTime(), null);
    }

    private static bool Instant(string text, out DateTimeOffset instant)
    {
        // An instant needs an offset: a local time without one would silently be read in the server's zone.
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out instant) & hasOffset;
    }
}
