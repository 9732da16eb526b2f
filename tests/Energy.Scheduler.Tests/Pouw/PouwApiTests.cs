using System.Net;
using System.Text;
using System.Text.Json;
using Energy.Gpu.Pouw;
using Energy.Scheduler.Security;
using Energy.Scheduler.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Energy.Scheduler.Tests.Pouw.PouwTestWork;

namespace Energy.Scheduler.Tests.Pouw;

/// <summary>/api/pouw in the real app with users: registration (roles, 400s naming the field), batches, tickets, the ledger's view and the statement.</summary>
public sealed class PouwApiTests : IAsyncLifetime
{
    private const string Tenant = "Acme AI";
    private const string Jobs = "/api/pouw/jobs";
    private static readonly string JobPath = $"/api/pouw/jobs/{Uri.EscapeDataString(Tenant)}/chat";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-pouw-api-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 2, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<string, ApiKey> _keys = [];
    private readonly sbyte[] _weights = Matrix(1, N);
    private InMemoryHeatGrid? _host;

    public async Task InitializeAsync()
    {
        var users = UserStore.Open(_data, _time);
        foreach (var (name, role, tenant) in new[] { ("ana", "operator", null), ("vic", "viewer", null), ("tom", "tenant", Tenant), ("bea", "tenant", "Beta Labs"),
            ("gpu1", "agent", null) })
        {
            _keys[name] = users.Add(name, role, tenant);
        }

        _host = await InMemoryHeatGrid.StartAsync(_data, _time);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string user, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        request.Headers.Add(ApiKeyAuthenticationHandler.ApiKeyHeader, _keys[user].Text);
        using var response = await _host!.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private string RegisterBody(string tenant = Tenant, string job = "chat", string? weightsRoot = null, string extra = "") =>
        $$"""{"tenant": "{{tenant}}", "job": "{{job}}", "weightsRoot": "{{weightsRoot ?? Convert.ToHexStringLower(Root(_weights, N))}}", "m": {{M}}, "n": {{N}}, "k": {{K}}, "rank": 8, "chunk": 64, "tilesPerTicket": {{TilesPerTicket}}{{extra}}}""";

    private async Task<PouwHeader> RegisterAsync()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, Jobs, "tom", RegisterBody());
        Assert.Equal(HttpStatusCode.Created, status);
        return Header(body);
    }

    private static PouwHeader Header(JsonElement body)
    {
        var document = JsonSerializer.Deserialize<PouwHeaderDocument>(body.GetRawText(), Web)!;
        Assert.True(document.TryTo(out var header, out var error), error);
        Assert.Equal(Convert.ToHexStringLower(header!.Hash()), body.GetProperty("headerHash").GetString());
        return header;
    }

    private async Task<List<PouwTicket>> MineAsync(PouwHeader header, int count, int firstSeed = 1000)
    {
        var roots = new List<byte[]>();
        var tickets = Mine(_weights, header, count, roots.Add, firstSeed);
        foreach (var root in roots)
        {
            var (status, _) = await SendAsync(HttpMethod.Post, JobPath + "/batches", "gpu1", $$"""{"activationsRoot": "{{Convert.ToHexStringLower(root)}}"}""");
            Assert.Equal(HttpStatusCode.OK, status);
        }

        return tickets;
    }

    private async Task<JsonElement> SubmitAsync(PouwTicket ticket, string user = "gpu1")
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/pouw/tickets", user, ticket.ToJson());
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    [Fact]
    public async Task Register_ByTheTenantItself_Header0WithTheRequestedShapeAndTarget()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, Jobs, "tom", RegisterBody(extra: """, "tileH": 16, "tileW": 16"""));

        Assert.Equal(HttpStatusCode.Created, status);
        var header = Header(body);
        Assert.Equal((Tenant, "chat", 0L, Parameters), (header.Tenant, header.Job, header.Sequence, header.Parameters));
        Assert.Equal(PouwHeader.TargetFor(TilesPerTicket), header.Target);
        Assert.Equal(2.0, body.GetProperty("tilesPerTicket").GetDouble(), 3);
        var (getStatus, current) = await SendAsync(HttpMethod.Get, JobPath + "/header", "gpu1");
        Assert.Equal(HttpStatusCode.OK, getStatus);
        Assert.Equal(Convert.ToHexStringLower(header.Hash()), Convert.ToHexStringLower(Header(current).Hash()));
    }

    [Fact]
    public async Task Register_RolesAndTenants_AnotherTenantsNameOrAViewerOrAnAgentRefused_TheSameJobTwiceAConflict()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, Jobs, "bea", RegisterBody())).Status);   // Beta Labs for Acme AI
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, Jobs, "vic", RegisterBody())).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, Jobs, "gpu1", RegisterBody())).Status);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, Jobs, "ana", RegisterBody(tenant: "Beta Labs", job: "vision"))).Status);
        await RegisterAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Post, Jobs, "tom", RegisterBody())).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/api/pouw/jobs/Beta%20Labs/vision/header", "tom")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, JobPath + "x/header", "ana")).Status);
    }

    [Theory]
    [InlineData("""{"job": "chat", "weightsRoot": "00", "m": 32, "n": 32, "k": 256, "tilesPerTicket": 2}""", "tenant")]
    [InlineData("""{"tenant": "Acme AI", "job": "a/b", "m": 32, "n": 32, "k": 256, "tilesPerTicket": 2}""", "job")]
    [InlineData("""{"tenant": "Acme AI", "job": "chat", "weightsRoot": "xyz", "m": 32, "n": 32, "k": 256, "tilesPerTicket": 2}""", "weightsRoot")]
    [InlineData("""{"tenant": "Acme AI", "job": "chat", "weightsRoot": "ROOT", "n": 32, "k": 256, "tilesPerTicket": 2}""", "m")]
    [InlineData("""{"tenant": "Acme AI", "job": "chat", "weightsRoot": "ROOT", "m": 32, "n": 32, "k": 256}""", "tilesPerTicket")]
    [InlineData("""{"tenant": "Acme AI", "job": "chat", "weightsRoot": "ROOT", "m": 32, "n": 32, "k": 256, "tilesPerTicket": 0.5}""", "tilesPerTicket")]
    [InlineData("""{"tenant": "Acme AI", "job": "chat", "weightsRoot": "ROOT", "m": 32, "n": 32, "k": 100, "tilesPerTicket": 2}""", "k")]
    [InlineData("""{"tenant": "Acme AI", "job": "chat", "weightsRoot": "ROOT", "m": 32, "n": 32, "k": 256, "rank": 65, "tilesPerTicket": 2}""", "rank")]
    [InlineData("""{"tenant": "Acme AI", "job": "chat", "weightsRoot": "ROOT", "m": 32, "n": 32, "k": 256, "tileH": 12, "tilesPerTicket": 2}""", "tileH")]
    [InlineData("""{"tenant": "Acme AI", "job": "chat", "weightsRoot": "ROOT", "m": 24, "n": 32, "k": 256, "tilesPerTicket": 2}""", "m")]
    [InlineData("""{"tenant": "Acme AI", "job": "chat", "weightsRoot": "ROOT", "m": 32, "n": 32, "k": 256, "chunk": 48, "tilesPerTicket": 2}""", "chunk")]
    public async Task Register_BadInput_400NamingTheField(string body, string field)
    {
        var (status, problem) = await SendAsync(HttpMethod.Post, Jobs, "ana", body.Replace("ROOT", new string('a', 64), StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.StartsWith(field + ":", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_NotJson_400NotA500() =>
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, Jobs, "ana", """{"tenant": "Acme AI", "m": "many"}""")).Status);

    [Fact]
    public async Task Batches_AnAgentLogsThem_ABadRootIs400_AnUnknownJob404_ATenantMayNot()
    {
        await RegisterAsync();
        var root = new string('b', 64);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, JobPath + "/batches", "gpu1", $$"""{"activationsRoot": "{{root}}"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, JobPath + "/batches", "gpu1", """{"activationsRoot": "b"}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, JobPath + "x/batches", "gpu1", $$"""{"activationsRoot": "{{root}}"}""")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, JobPath + "/batches", "tom", $$"""{"activationsRoot": "{{root}}"}""")).Status);
        Assert.True(_host!.App.Services.GetRequiredService<Scheduler.Pouw.PouwBooks>().Registry.IsActivationsLogged(Tenant, "chat", Convert.FromHexString(root)));
    }

    [Fact]
    public async Task Batches_ManyInOneCall_AllOrNone_BoundedAndNamed()
    {
        await RegisterAsync();
        var roots = Enumerable.Range(0, 300).Select(i => Convert.ToHexStringLower(Enumerable.Repeat((byte)(i % 251), 31).Append((byte)(i / 251)).ToArray())).ToList();
        string Body(IEnumerable<string> r) => "{\"activationsRoots\": [" + string.Join(", ", r.Select(x => "\"" + x + "\"")) + "]}";

        var (status, answer) = await SendAsync(HttpMethod.Post, JobPath + "/batches", "gpu1", Body(roots));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(300, answer.GetProperty("logged").GetInt32());
        var books = _host!.App.Services.GetRequiredService<Scheduler.Pouw.PouwBooks>();
        Assert.All(roots, r => Assert.True(books.Registry.IsActivationsLogged(Tenant, "chat", Convert.FromHexString(r))));

        // One bad root refuses the whole call, naming it; none of the call is logged.
        var fresh = Enumerable.Range(0, 3).Select(i => new string((char)('a' + i), 64)).ToList();
        (status, answer) = await SendAsync(HttpMethod.Post, JobPath + "/batches", "gpu1", Body([fresh[0], "xyz", fresh[2]]));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("activationsRoots[1]", answer.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.False(books.Registry.IsActivationsLogged(Tenant, "chat", Convert.FromHexString(fresh[0])));

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, JobPath + "/batches", "gpu1", Body(Enumerable.Repeat(fresh[0], Scheduler.Pouw.PouwApi.MaxBatchesPerCall + 1)))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, JobPath + "/batches", "gpu1", "{\"activationsRoots\": []}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, JobPath + "/batches", "gpu1",
            $$"""{"activationsRoot": "{{fresh[0]}}", "activationsRoots": ["{{fresh[1]}}"]}""")).Status);
    }

    [Fact]
    public async Task Tickets_MinedOnesAcceptedAndCounted_ADuplicateAForgedAndAMalformedOneRefused_TheTenantSeesItsOwn()
    {
        var header = await RegisterAsync();
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, Jobs, "ana", RegisterBody(tenant: "Beta Labs", job: "vision"))).Status);
        var tickets = await MineAsync(header, 2);

        var first = await SubmitAsync(tickets[0]);
        Assert.True(first.GetProperty("accepted").GetBoolean());
        Assert.Equal(("accepted", (long)M * N * K, tickets[0].Id),
            (first.GetProperty("reason").GetString(), first.GetProperty("workUnits").GetInt64(), first.GetProperty("ticketId").GetString()));
        Assert.True((await SubmitAsync(tickets[1], "ana")).GetProperty("accepted").GetBoolean());
        var duplicate = await SubmitAsync(tickets[0]);
        Assert.Equal((false, "duplicate"), (duplicate.GetProperty("accepted").GetBoolean(), duplicate.GetProperty("reason").GetString()));
        var randomW = Matrix(99, N);
        var forged = Mine(randomW, header with { WeightsRoot = Root(randomW, N) }, 1, firstSeed: 5000)[0];
        Assert.Equal("wrong-weights-root", (await SubmitAsync(forged)).GetProperty("reason").GetString());
        var (malformedStatus, malformed) = await SendAsync(HttpMethod.Post, "/api/pouw/tickets", "gpu1", """{"format": "hgpouw-ticket/1", "header": {"tenant": "Acme AI", "job": "chat"}}""");
        Assert.Equal((HttpStatusCode.BadRequest, "malformed"), (malformedStatus, malformed.GetProperty("reason").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "/api/pouw/tickets", "tom", tickets[0].ToJson())).Status);

        var (status, view) = await SendAsync(HttpMethod.Get, "/api/pouw", "vic");
        Assert.Equal(HttpStatusCode.OK, status);
        var acme = view.GetProperty("tenants").EnumerateArray().Single(t => t.GetProperty("tenant").GetString() == Tenant);
        Assert.Equal((5, 2, 2L * M * N * K), (acme.GetProperty("ticketsFound").GetInt32(), acme.GetProperty("ticketsVerified").GetInt32(), acme.GetProperty("workUnits").GetInt64()));
        Assert.Equal(["duplicate:1", "malformed:1", "wrong-weights-root:1"],
            acme.GetProperty("rejected").EnumerateObject().Select(p => $"{p.Name}:{p.Value.GetInt32()}").Order(StringComparer.Ordinal));
        Assert.Equal((0.0022, "EUR"), (Math.Round(acme.GetProperty("revenue").GetDouble(), 9), acme.GetProperty("currency").GetString()));
        Assert.Equal("mining", view.GetProperty("pricing").GetProperty("workload").GetString());
        var job = view.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("tenant").GetString() == Tenant);
        // Both tickets within a header period of the registration: the header has not advanced.
        Assert.Equal((0, 32, 256, 2.0), (job.GetProperty("sequence").GetInt32(), job.GetProperty("m").GetInt32(), job.GetProperty("k").GetInt32(),
            Math.Round(job.GetProperty("tilesPerTicket").GetDouble(), 3)));
        Assert.Equal(2, view.GetProperty("jobs").GetArrayLength());

        // A tenant sees only its own tenant, asked or not; another's is refused.
        var (_, own) = await SendAsync(HttpMethod.Get, "/api/pouw", "bea");
        Assert.Equal(["Beta Labs"], own.GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("tenant").GetString()));
        Assert.Equal(["vision"], own.GetProperty("jobs").EnumerateArray().Select(t => t.GetProperty("job").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/api/pouw?tenant=Acme%20AI", "bea")).Status);
        var (_, filtered) = await SendAsync(HttpMethod.Get, "/api/pouw?tenant=Acme%20AI", "ana");
        Assert.Equal([Tenant], filtered.GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("tenant").GetString()));

        // The tenant's statement has the PoUW figures: both accepted tickets in the hour they were accepted (10:00Z = 11:00 in Berlin).
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/statements?tenant=Acme%20AI&from=2024-02-01&to=2024-02-01", UriKind.Relative));
        request.Headers.Add(ApiKeyAuthenticationHandler.ApiKeyHeader, _keys["tom"].Text);
        using var response = await _host!.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var statement = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var total = statement.RootElement.GetProperty("total");
        // 2 × 0.0011 EUR: a statement presents money in cents, as every amount (GET /api/pouw has it unrounded).
        Assert.Equal((2, 2L * M * N * K, 0.0), (total.GetProperty("pouwTickets").GetInt32(), total.GetProperty("pouwWorkUnits").GetInt64(),
            total.GetProperty("pouwRevenue").GetDouble()));
        var hour = statement.RootElement.GetProperty("hourly").EnumerateArray().Single(h => h.GetProperty("pouwTickets").GetInt32() > 0);
        Assert.StartsWith("2024-02-01T11:00", hour.GetProperty("start").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_RegistrationRecorded_BatchesAreTheLedgersNotTheAudits()
    {
        await RegisterAsync();
        await SendAsync(HttpMethod.Post, JobPath + "/batches", "gpu1", $$"""{"activationsRoot": "{{new string('c', 64)}}"}""");

        var (_, audit) = await SendAsync(HttpMethod.Get, "/api/audit", "ana");
        var whats = audit.EnumerateArray().Select(e => (e.GetProperty("what").GetString(), e.GetProperty("who").GetString())).ToList();
        Assert.Contains(("pouw.register", "tom"), whats);
        Assert.DoesNotContain(whats, w => w.Item1 == "pouw.batch");
    }
}
