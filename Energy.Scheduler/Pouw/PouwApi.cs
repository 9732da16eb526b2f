using System.Data.Common;
using System.Text;
using System.Text.Json;
using Energy.Gpu.Pouw;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Books;
using Energy.Scheduler.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Energy.Scheduler.Pouw;

/// <summary>
/// Proof of useful work on the HTTP API (roles: <see cref="ApiAccess"/>): a tenant registers its model's weights root and
/// shape (<c>POST /api/pouw/jobs</c>), the inference server logs each request batch's activations root
/// (<c>…/batches</c>), miners read the current header and submit tickets (<c>POST /api/pouw/tickets</c>), and
/// <c>GET /api/pouw</c> shows the proof ledger per tenant and the jobs. Bad input is a 400 naming the field.
/// </summary>
public static class PouwApi
{
    /// <summary>The largest ticket body: a 32×32 tile at k = 65,536 is 4 MiB of rows (5.6 MB as base64) with its openings.</summary>
    public const long MaxTicketBodyBytes = 8 * 1024 * 1024;

    /// <summary>The ticket path, whose body may be larger than the API's other bodies (<see cref="Api.HttpBounds"/>).</summary>
    public const string TicketsPath = "/api/pouw/tickets";

    /// <summary>Batches one <c>POST …/batches</c> may log (<c>activationsRoots</c>): 512 roots are about 35 KB of JSON, inside the API's 64 KiB body bound.</summary>
    public const int MaxBatchesPerCall = 512;

    public static IEndpointRouteBuilder MapPouwApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/pouw/jobs", (RegisterJobBody body, PouwBooks books, HttpContext http, [FromServices] IAuditTrail? audit) =>
        {
            if ((Name(body.Tenant, "tenant") ?? Name(body.Job, "job")) is { } badName)
            {
                return badName;
            }

            var caller = ApiCaller.Of(http);
            if (caller.Role == ApiRole.Tenant && !string.Equals(caller.Tenant, body.Tenant, StringComparison.Ordinal))
            {
                return Results.Problem($"a tenant key registers jobs only for its own tenant ('{caller.Tenant}'), not '{body.Tenant}'; this key's role is tenant",
                    statusCode: StatusCodes.Status403Forbidden);
            }

            if (Hash(body.WeightsRoot, "weightsRoot", out var weightsRoot) is { } badRoot)
            {
                return badRoot;
            }

            if (body.M is not { } m || body.N is not { } n || body.K is not { } k)
            {
                return Field(body.M is null ? "m" : body.N is null ? "n" : "k", "required: the product is C = A·Wᵀ of A (m×k) and W (n×k)");
            }

            if (body.TilesPerTicket is not { } tilesPerTicket || !double.IsFinite(tilesPerTicket) || tilesPerTicket < 1 || tilesPerTicket > 1e15)
            {
                return Field("tilesPerTicket", "required: the expected tiles hashed per ticket, a number from 1 to 10^15 (it sets the target)");
            }

            var d = PouwParameters.Default(m, n, k);
            var parameters = new PouwParameters(m, n, k, body.Rank ?? d.Rank, body.TileH ?? d.TileH, body.TileW ?? d.TileW, body.Chunk ?? d.Chunk);
            if (parameters.Check() is { } bounds)
            {
                return Field(ParameterField(bounds), bounds);
            }

            PouwHeader header;
            try
            {
                header = books.Register(body.Tenant!, body.Job!, weightsRoot!, parameters, PouwHeader.TargetFor(tilesPerTicket));
            }
            catch (InvalidOperationException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status409Conflict);
            }
            catch (PouwSaveException e)
            {
                return Results.Problem(e.Message + "; the job holds until a restart", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Registered, not saved");
            }

            var view = PouwHeaderView.Of(header);
            audit?.Record(AuditActor.Of(caller), "pouw.register", null, view, $"PoUW job {header.Tenant}/{header.Job} registered");
            return Results.Created($"/api/pouw/jobs/{Uri.EscapeDataString(header.Tenant)}/{Uri.EscapeDataString(header.Job)}/header", view);
        }).WithSummary("Register a tenant's PoUW job: its model's weights root, the shape and tiles per ticket; answers header 0")
            .Produces<PouwHeaderView>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        endpoints.MapPost("/api/pouw/jobs/{tenant}/{job}/batches", (string tenant, string job, LogBatchBody body, PouwBooks books) =>
        {
            // One root, or many in one call (an inference server at a real request rate): all or none are logged.
            var roots = new List<byte[]>();
            if (body.ActivationsRoots is { } many)
            {
                if (body.ActivationsRoot is not null || many.Count == 0 || many.Count > MaxBatchesPerCall)
                {
                    return Field("activationsRoots", $"1 to {MaxBatchesPerCall} roots, instead of (not beside) activationsRoot");
                }

                for (var i = 0; i < many.Count; i++)
                {
                    if (Hash(many[i], $"activationsRoots[{i}]", out var each) is { } badEach)
                    {
                        return badEach;
                    }

                    roots.Add(each!);
                }
            }
            else if (Hash(body.ActivationsRoot, "activationsRoot", out var root) is { } bad)
            {
                return bad;
            }
            else
            {
                roots.Add(root!);
            }

            if (books.Registry.FindJob(tenant, job) is null)
            {
                return NoJob(tenant, job);
            }

            try
            {
                books.LogBatches(tenant, job, roots);
            }
            catch (DbException e)
            {
                return Results.Problem($"the batches could not be written to the ledger (none was logged): {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            // Not audited: batches are the data plane (many a second); the ledger's pouw_batches is their record.
            return roots.Count == 1 && body.ActivationsRoots is null
                ? Results.Ok(new { tenant, job, activationsRoot = Convert.ToHexStringLower(roots[0]) })
                : Results.Ok(new { tenant, job, logged = roots.Count });
        }).WithSummary("Log one request batch's activations root for a PoUW job (the inference server)").Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        endpoints.MapGet("/api/pouw/jobs/{tenant}/{job}/header", (string tenant, string job, PouwBooks books) =>
            books.Registry.CurrentHeader(tenant, job) is { } header ? Results.Ok(PouwHeaderView.Of(header)) : NoJob(tenant, job))
            .WithSummary("The PoUW job's current header: what miners work under").Produces<PouwHeaderView>().ProducesProblem(StatusCodes.Status404NotFound);

        endpoints.MapPost(TicketsPath, async (HttpContext http, PouwBooks books) =>
        {
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxTicketBodyBytes;
            }

            string text;
            using (var reader = new StreamReader(http.Request.Body, Encoding.UTF8))
            {
                text = await reader.ReadToEndAsync(http.RequestAborted);
            }

            try
            {
                if (!PouwTicket.TryParse(text, out var ticket, out var error))
                {
                    var (tenant, job) = NamedJob(text);
                    books.RecordMalformed(tenant, job, error ?? "not a ticket");
                    return Results.Problem($"not a {PouwTicket.Format} ticket: {error}", statusCode: StatusCodes.Status400BadRequest, title: "Malformed ticket",
                        extensions: new Dictionary<string, object?> { ["reason"] = PouwVerification.ReasonName(PouwRejection.Malformed) });
                }

                var entry = books.Submit(ticket!);
                return Results.Ok(new PouwSubmissionView(entry.IsAccepted, entry.Outcome, entry.Detail, entry.WorkUnits, entry.TicketId));
            }
            catch (DbException e)
            {
                return Results.Problem($"the proof ledger could not be written: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).WithSummary("Submit a PoUW ticket (as PouwTicket.ToJson writes it): verified, recorded in the proof ledger, answered accepted or the reason")
            .Accepts<PouwTicketDocument>("application/json").Produces<PouwSubmissionView>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        endpoints.MapGet("/api/pouw", (string? tenant, PouwBooks books, HttpContext http) =>
        {
            var caller = ApiCaller.Of(http);
            var only = caller.Role == ApiRole.Tenant ? caller.Tenant ?? string.Empty : string.IsNullOrWhiteSpace(tenant) ? null : tenant.Trim();
            try
            {
                return Results.Ok(PouwView.Of(books, only));
            }
            catch (DbException e)
            {
                return Results.Problem($"the proof ledger could not be read: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).WithSummary("The proof ledger per tenant (tickets found, verified, work units, rejected by reason, revenue) and the PoUW jobs")
            .Produces<PouwView>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    /// <summary>A tenant or job name: 1 to 64 UTF-8 bytes, no '/' (it is a path segment) and no control characters.</summary>
    private static IResult? Name(string? text, string field) =>
        string.IsNullOrEmpty(text) || Encoding.UTF8.GetByteCount(text) > 64 || text.Contains('/', StringComparison.Ordinal) || text.Any(char.IsControl)
            ? Field(field, "required: 1 to 64 UTF-8 bytes, without '/' or control characters")
            : null;

    private static IResult? Hash(string? hex, string field, out byte[]? hash)
    {
        hash = null;
        if (hex is null || hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            return Field(field, "required: a SHA-256 Merkle root as 64 hex digits (docs/pouw.md, \"Merkle roots of operands\")");
        }

        hash = Convert.FromHexString(hex);
        return null;
    }

    private static IResult Field(string field, string message) => Results.Problem($"{field}: {message}", statusCode: StatusCodes.Status400BadRequest,
        title: "Invalid PoUW request", extensions: new Dictionary<string, object?> { ["errors"] = new[] { new { field, message } } });

    /// <summary>The parameter <see cref="PouwParameters.Check"/>'s sentence is about.</summary>
    private static string ParameterField(string problem) => problem switch
    {
        _ when problem.StartsWith("m and n", StringComparison.Ordinal) => "m",
        _ when problem.StartsWith("k/chunk", StringComparison.Ordinal) || problem.StartsWith("chunk", StringComparison.Ordinal) => "chunk",
        _ when problem.StartsWith("k ", StringComparison.Ordinal) => "k",
        _ when problem.StartsWith("the noise rank", StringComparison.Ordinal) => "rank",
        _ when problem.StartsWith("tile sides", StringComparison.Ordinal) => "tileH",
        _ when problem.StartsWith("m must be a multiple", StringComparison.Ordinal) => "m",
        _ => "parameters",
    };

    private static IResult NoJob(string tenant, string job) =>
        Results.Problem($"no PoUW job '{job}' of tenant '{tenant}' is registered (POST /api/pouw/jobs)", statusCode: StatusCodes.Status404NotFound);

    /// <summary>The tenant and job a body that is not a ticket names in its header, if it is JSON that names them.</summary>
    private static (string? Tenant, string? Job) NamedJob(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("header", out var h) && h.ValueKind == JsonValueKind.Object
                ? (Text(h, "tenant"), Text(h, "job"))
                : (null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }

        static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    /// <summary>The body of <c>POST /api/pouw/jobs</c>; rank, tile and chunk default to <see cref="PouwParameters.Default"/>.</summary>
    public sealed record RegisterJobBody(string? Tenant, string? Job, string? WeightsRoot, int? M, int? N, int? K, int? Rank, int? TileH, int? TileW, int? Chunk,
        double? TilesPerTicket);

    /// <summary>The body of <c>POST /api/pouw/jobs/{tenant}/{job}/batches</c>.</summary>
    public sealed record LogBatchBody(string? ActivationsRoot, IReadOnlyList<string?>? ActivationsRoots = null);
}

/// <summary>A header as the API shows it: <see cref="PouwHeaderDocument"/>'s fields, its hash and the expected tiles per ticket of its target.</summary>
public sealed record PouwHeaderView(int Version, string Tenant, string Job, long Sequence, string Previous, string WeightsRoot, string WeightsEpoch, string Target,
    int M, int N, int K, int Rank, int TileH, int TileW, int Chunk, long IssuedAtUnixMs, string HeaderHash, double TilesPerTicket)
{
    public static PouwHeaderView Of(PouwHeader h)
    {
        ArgumentNullException.ThrowIfNull(h);
        var d = PouwHeaderDocument.From(h);
        return new PouwHeaderView(d.Version, d.Tenant!, d.Job!, d.Sequence, d.Previous!, d.WeightsRoot!, d.WeightsEpoch!, d.Target!, d.M, d.N, d.K, d.Rank,
            d.TileH, d.TileW, d.Chunk, d.IssuedAtUnixMs, Convert.ToHexStringLower(h.Hash()), Math.Round(PouwHeader.TilesPerTicket(h.Target), 3));
    }
}

/// <summary>The answer to a submitted ticket: accepted, or the reason (docs/pouw.md's checks, or <c>duplicate</c>).</summary>
public sealed record PouwSubmissionView(bool Accepted, string Reason, string Detail, long WorkUnits, string TicketId);

/// <summary>The body of <c>GET /api/pouw</c>.</summary>
/// <param name="Unattributed">Submissions that named no tenant (bodies that were not tickets); not shown to a tenant.</param>
/// <param name="Energy">Measured energy per ticket beside the model; null for one tenant's view.</param>
public sealed record PouwView(IReadOnlyList<PouwTenantView> Tenants, IReadOnlyList<PouwJobView> Jobs, PouwPricing Pricing, PouwTenantView? Unattributed, PouwEnergyView? Energy)
{
    public static PouwView Of(PouwBooks books, string? tenant)
    {
        ArgumentNullException.ThrowIfNull(books);
        var totals = books.Totals();
        var jobs = books.Registry.Jobs().Where(j => tenant is null || string.Equals(j.Tenant, tenant, StringComparison.Ordinal)).ToList();
        var names = totals.Select(t => t.Tenant).Where(t => t.Length > 0).Concat(jobs.Select(j => j.Tenant)).Distinct(StringComparer.Ordinal)
            .Where(t => tenant is null || string.Equals(t, tenant, StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        var tenants = names.Select(n => PouwTenantView.Of(n, totals.Where(t => t.Tenant == n), books.Pricing.Currency)).ToList();
        var unattributed = tenant is null && totals.Any(t => t.Tenant.Length == 0)
            ? PouwTenantView.Of(string.Empty, totals.Where(t => t.Tenant.Length == 0), books.Pricing.Currency)
            : null;
        var jobViews = jobs.Select(j => new PouwJobView(j.Tenant, j.Job, Convert.ToHexStringLower(j.WeightsRoot), Convert.ToHexStringLower(j.WeightsEpoch),
            j.CurrentSequence, j.Parameters.M, j.Parameters.N, j.Parameters.K, j.Parameters.Rank, j.Parameters.TileH, j.Parameters.TileW, j.Parameters.Chunk,
            Convert.ToHexStringLower(j.Target), Math.Round(PouwHeader.TilesPerTicket(j.Target), 3), j.RegisteredAt)).ToList();
        // The energy per ticket is the site's mining (every tenant's tickets): not shown to a tenant.
        return new PouwView(tenants, jobViews, books.Pricing, unattributed, tenant is null ? books.Energy() : null);
    }
}

/// <param name="TicketsFound">Tickets submitted for the tenant's jobs, whatever their outcome.</param>
/// <param name="TicketsVerified">Those accepted.</param>
/// <param name="WorkUnits">The accepted tickets' useful work: each its job's m·n·k multiply-adds.</param>
/// <param name="Rejected">Refused tickets per reason (e.g. <c>wrong-weights-root</c>, <c>duplicate</c>).</param>
/// <param name="Revenue">The accepted tickets' value, each at the per-ticket price when it was accepted.</param>
public sealed record PouwTenantView(string Tenant, long TicketsFound, long TicketsVerified, long WorkUnits, IReadOnlyDictionary<string, long> Rejected, double Revenue,
    string Currency)
{
    public static PouwTenantView Of(string tenant, IEnumerable<PouwLedgerTotal> totals, string currency)
    {
        var list = totals.ToList();
        var accepted = list.Where(t => t.Outcome == PouwLedgerEntry.Accepted).ToList();
        return new PouwTenantView(tenant, list.Sum(t => t.Tickets), accepted.Sum(t => t.Tickets), accepted.Sum(t => t.WorkUnits),
            list.Where(t => t.Outcome != PouwLedgerEntry.Accepted).ToDictionary(t => t.Outcome, t => t.Tickets, StringComparer.Ordinal),
            Math.Round(accepted.Sum(t => t.Value), 9), currency);
    }
}

/// <summary>A registered job as <c>GET /api/pouw</c> lists it: the weights it is bound to, its shape, its current header's sequence.</summary>
public sealed record PouwJobView(string Tenant, string Job, string WeightsRoot, string WeightsEpoch, long Sequence, int M, int N, int K, int Rank, int TileH,
    int TileW, int Chunk, string Target, double TilesPerTicket, DateTimeOffset RegisteredAt);
