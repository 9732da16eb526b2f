using System.Net;
using System.Text;
using System.Text.Json;
using Energy.Gpu.Pouw;
using Energy.Scheduler.NodeAgent.Pouw;
using Energy.Scheduler.Pouw;

namespace Energy.Scheduler.Tests.NodeAgent.Pouw;

/// <summary>
/// The controller's PoUW API in memory, as a message handler: a real job registry (headers, logged batches) and the
/// real verifier for tickets, with <see cref="Fail"/> to answer a call with an error or throw a connection error instead.
/// </summary>
internal sealed class FakePouwController(TimeProvider time) : HttpMessageHandler
{
    public const string Tenant = "Acme AI";
    public const string Job = "chat";
    public const string Key = "hg_0123456789abcdef_" + "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public PouwJobRegistry Registry { get; } = new();

    /// <summary>Requests seen: method and path.</summary>
    public List<string> Requests { get; } = [];

    /// <summary>When it gives a status for a request, that is the answer (0: a connection error); null: served normally.</summary>
    public Func<HttpRequestMessage, HttpStatusCode?>? Fail { get; set; }

    public List<string> Accepted { get; } = [];

    public static PouwParameters Shape => new(32, 32, 256, 8, 16, 16, 64);

    public PouwHeader Register(long weightsSeed, double tilesPerTicket = 2)
    {
        var p = Shape;
        var root = PouwMerkle.RootOf(PouwSyntheticOperands.Weights(weightsSeed, p.N, p.K, p.Rank), p.N, p.K);
        return Registry.Register(Tenant, Job, root, p, PouwHeader.TargetFor(tilesPerTicket), time.GetUtcNow());
    }

    public static PouwNodeOptions Options(long weightsSeed, string outbox) =>
        new(new Uri("http://controller.test:8080"), Key, Tenant, Job, weightsSeed, outbox);

    public PouwControllerClient Client(PouwNodeOptions options) => new(new HttpClient(this, disposeHandler: false) { BaseAddress = options.BaseAddress }, options.ApiKey);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
        Requests.Add($"{request.Method} {path}");
        if (Fail?.Invoke(request) is { } failure)
        {
            return failure == 0 ? throw new HttpRequestException("Connection refused (controller.test:8080)") : Answer(failure, """{"title":"failed","detail":"as the test says"}""");
        }

        if (!request.Headers.TryGetValues(PouwControllerClient.ApiKeyHeader, out var keys) || keys.Single() != Key)
        {
            return Answer(HttpStatusCode.Unauthorized, """{"title":"no key"}""");
        }

        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var jobPath = $"/api/pouw/jobs/{Tenant}/{Job}";
        if (request.Method == HttpMethod.Get && path == jobPath + "/header")
        {
            return Registry.CurrentHeader(Tenant, Job) is { } header
                ? Answer(HttpStatusCode.OK, JsonSerializer.Serialize(PouwHeaderView.Of(header), Web))
                : Answer(HttpStatusCode.NotFound, """{"title":"no job","detail":"no PoUW job"}""");
        }

        if (request.Method == HttpMethod.Post && path == jobPath + "/batches")
        {
            var root = JsonDocument.Parse(body).RootElement.GetProperty("activationsRoot").GetString()!;
            Registry.LogActivations(Tenant, Job, Convert.FromHexString(root));
            return Answer(HttpStatusCode.OK, "{}");
        }

        if (request.Method == HttpMethod.Post && path == "/api/pouw/tickets")
        {
            if (!PouwTicket.TryParse(body, out var ticket, out var error))
            {
                return Answer(HttpStatusCode.BadRequest, $$"""{"title":"Malformed ticket","detail":"{{error}}","reason":"malformed"}""");
            }

            var verdict = new PouwVerifier(Registry, time).Verify(ticket!);
            if (verdict.Accepted)
            {
                Accepted.Add(ticket!.Id);
            }

            return Answer(HttpStatusCode.OK, JsonSerializer.Serialize(new PouwSubmissionView(verdict.Accepted, verdict.Reason, verdict.Detail, verdict.WorkUnits, ticket!.Id),
                Web));
        }

        return Answer(HttpStatusCode.NotFound, "{}");
    }

    private static HttpResponseMessage Answer(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
