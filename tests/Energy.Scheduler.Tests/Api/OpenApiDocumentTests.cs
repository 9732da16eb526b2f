using System.Net;
using System.Text.RegularExpressions;
using Energy.Scheduler.Api;
using Energy.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Energy.Scheduler.Tests.Api;

/// <summary>
/// <c>GET /openapi/v1.json</c> from a hosted app: it reads back through Microsoft.OpenApi with no errors, describes every
/// endpoint the app maps, and lists every method and path README.md's HTTP API table documents, so the two cannot drift apart.
/// </summary>
public sealed partial class OpenApiDocumentTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-openapi-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 2, 1, 10, 0, 0, TimeSpan.Zero));
    private InMemoryHeatGrid? _host;
    private WebApplication? _app;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        _host = await InMemoryHeatGrid.StartAsync(_data, _time);
        (_app, _client) = (_host.App, _host.Client);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Document_ReadsBackWithoutErrors_AndDescribesEveryMappedEndpoint()
    {
        var document = await DocumentAsync();

        // Every endpoint of the API the app maps (its own routes, not a dashboard's static files) is in the document with a summary.
        var mapped = _app!.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Where(m => m != "HEAD")
                .Select(m => (Method: m, Path: "/" + e.RoutePattern.RawText!.TrimStart('/').Replace("{documentName}", "v1", StringComparison.Ordinal))))
            .Where(e => e.Path.StartsWith("/api/", StringComparison.Ordinal) || e.Path is "/health" or ApiObservability.MetricsPath or ApiObservability.DocumentPath)
            .ToHashSet();
        Assert.Superset(new HashSet<(string, string)> { ("GET", "/api/status"), ("DELETE", "/api/dr/curtail/{id}"), ("GET", "/metrics"), ("GET", "/openapi/v1.json") }, mapped);
        foreach (var (method, path) in mapped)
        {
            var operation = Operation(document, method, path);
            Assert.True(operation is not null, $"{method} {path} is mapped but not in /openapi/v1.json");
            Assert.False(string.IsNullOrWhiteSpace(operation!.Summary), $"{method} {path} has no summary: add .WithSummary(…) to its Map call");
            Assert.Contains(operation.Responses!.Keys, code => code.StartsWith('2'));
        }

        // Known answers, parameters and bodies are described, not only the 200.
        Assert.Equal(["202", "400", "401", "403", "409", "429", "503"], Operation(document, "POST", "/api/dr/curtail")!.Responses!.Keys.Order());
        Assert.NotNull(Operation(document, "POST", "/api/dr/curtail")!.RequestBody);
        Assert.Equal(["204", "401", "403", "404", "429", "503"], Operation(document, "DELETE", "/api/dr/curtail/{id}")!.Responses!.Keys.Order());
        Assert.Equal("id", Assert.Single(Operation(document, "DELETE", "/api/dr/curtail/{id}")!.Parameters!).Name);
        Assert.Equal(["from", "to"], Operation(document, "GET", "/api/ledger")!.Parameters!.Select(p => p.Name));
        Assert.Contains("503", Operation(document, "GET", "/api/status")!.Responses!.Keys);
        Assert.Equal(["200"], Operation(document, "GET", "/health")!.Responses!.Keys);
    }

    [Fact]
    public async Task Document_ListsEveryEndpointTheReadmeDocuments()
    {
        var document = await DocumentAsync();
        var documented = ReadmeEndpoints(File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md")));

        // The parser finds the table's rows, several endpoints in one row and the ones only mentioned inside a row.
        Assert.Superset(new HashSet<(string, string)>
        {
            ("GET", "/health"), ("GET", "/api/status"), ("GET", "/api/demo/base-load"), ("POST", "/api/demo/base-load"), ("POST", "/api/dr/curtail"),
            ("DELETE", "/api/dr/curtail/{id}"), ("GET", "/api/dr/curtailments"), ("GET", "/api/statements"), ("GET", "/api/ledger/status"),
            ("GET", "/metrics"), ("GET", "/openapi/v1.json"),
        }, documented);
        var missing = documented.Where(e => Operation(document, e.Method, e.Path) is null).Select(e => $"{e.Method} {e.Path}").ToList();
        Assert.True(missing.Count == 0, $"README.md documents endpoints that /openapi/v1.json lacks: {string.Join(", ", missing)}");
    }

    [Fact]
    public void ReadmeEndpoints_RowsOfTheTableOnly_QueryCut()
    {
        var lines = new[]
        {
            "| endpoint | body |",
            "|---|---|",
            "| `GET /api/a?from=DATE&to=DATE\\|x` | see `DELETE /api/a/{id}` and `GET /api/b` |",
            "| `PUT /api/c`, `POST /api/c` | text |",
            "| `operator` | may `POST /api/not-an-endpoint-row` |",
            "`GET /api/not-in-a-table` in prose",
        };

        Assert.Equal([("DELETE", "/api/a/{id}"), ("GET", "/api/a"), ("GET", "/api/b"), ("POST", "/api/c"), ("PUT", "/api/c")],
            ReadmeEndpoints(lines).Order());
    }

    /// <summary>
    /// The methods and paths of README.md's endpoint tables: rows whose first cell starts with <c>`METHOD /…`</c>; every
    /// <c>`METHOD /path`</c> anywhere in such a row counts, its query string cut.
    /// </summary>
    private static HashSet<(string Method, string Path)> ReadmeEndpoints(IEnumerable<string> lines) =>
    [
        .. lines.Where(l => EndpointRow().IsMatch(l))
            .SelectMany(l => EndpointSpan().Matches(l))
            .Select(m => (m.Groups["method"].Value, m.Groups["path"].Value)),
    ];

    [GeneratedRegex(@"^\|\s*`(GET|POST|PUT|PATCH|DELETE) /")]
    private static partial Regex EndpointRow();

    [GeneratedRegex(@"`(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>/[^`?\s]*)[^`]*`")]
    private static partial Regex EndpointSpan();

    private static OpenApiOperation? Operation(OpenApiDocument document, string method, string path) =>
        document.Paths.TryGetValue(path, out var item) && item.Operations is { } operations && operations.TryGetValue(new HttpMethod(method), out var operation)
            ? operation
            : null;

    private async Task<OpenApiDocument> DocumentAsync()
    {
        using var response = await _client!.GetAsync(new Uri(ApiObservability.DocumentPath, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);

        // The reader validates against the specification's rules as it reads (OpenApiReaderSettings' default rule set).
        var (document, diagnostic) = OpenApiDocument.Parse(await response.Content.ReadAsStringAsync(), "json", new OpenApiReaderSettings());
        Assert.NotNull(diagnostic);
        Assert.True(diagnostic.Errors.Count == 0, string.Join("; ", diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        Assert.NotNull(document);
        Assert.Equal("HeatGrid HTTP API", document.Info.Title);
        return document;
    }
}
