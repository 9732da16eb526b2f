using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Energy.Scheduler.Api;

/// <summary>
/// Completes the OpenAPI document: describes the two endpoints that are not route handlers, which the API explorer does
/// not see (the Prometheus scrape <c>GET /metrics</c>, a middleware pipeline, and this document, <c>GET /openapi/v1.json</c>),
/// so it lists every endpoint the README documents; and adds the answers of authentication to every operation but
/// <c>/health</c>: 401 (users are configured and the key is missing or wrong), 403 (the key's role may not), 429
/// (too many wrong keys from the address).
/// </summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Info = new OpenApiInfo
        {
            Title = "HeatGrid HTTP API",
            Version = "v1",
            Description = "Live status, the plan, signals, agents, demand response and curtailments, the energy ledger and statements, users (admin). JSON is camelCase; errors are ProblemDetails.",
        };
        document.Paths ??= [];
        Add(document, ApiObservability.MetricsPath, "Prometheus metrics of the HeatGrid meter", "text/plain",
            "Site import (metered, modelled) and cap, power per workload, heat per loop, plan solve times, signal quality counts, history spool depth, in the Prometheus text format.");
        Add(document, ApiObservability.DocumentPath, "This OpenAPI document", "application/json", "The OpenAPI description of the whole HTTP API.");
        foreach (var (path, item) in document.Paths.Where(p => p.Key != "/health"))
        {
            foreach (var operation in item.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            {
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Users are configured and the request has no valid key (Authorization: Bearer hg_… or X-Api-Key)" });
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The key's role may not do this" });
                operation.Responses.TryAdd("429", new OpenApiResponse { Description = "Too many wrong keys from this address; see Retry-After" });
            }
        }

        return Task.CompletedTask;
    }

    private static void Add(OpenApiDocument document, string path, string summary, string contentType, string description)
    {
        if (document.Paths.ContainsKey(path))
        {
            return;
        }

        document.Paths[path] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new OpenApiOperation
                {
                    Summary = summary,
                    Description = description,
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse { Description = "OK", Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() } },
                    },
                },
            },
        };
    }
}
