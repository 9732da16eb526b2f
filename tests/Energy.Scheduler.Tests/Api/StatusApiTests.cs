using System.Net;
using System.Text.Json;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Prices;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Planning.Forecasting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Api;

/// <summary>The HTTP contract of <c>heatgrid run</c>, through an in-memory server (no sockets).</summary>
public sealed class StatusApiTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-api-").FullName;
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
    public async Task GetHealth_Returns200()
    {
        var response = await _client!.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GetStatements_MappedWithTheApi_BadDateIs400()
    {
        // Validated before the ledger is asked for, so this holds with or without one in the process.
        var response = await _client!.GetAsync(new Uri("/api/statements?from=2026-02-30&to=2026-03-01&facility=true", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("from: expected a local date yyyy-MM-dd, got '2026-02-30'", json.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GetStatus_MeteredImportBesideTheModelAndWhatTheCapIsHeldAgainst()
    {
        using var json = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/status", UriKind.Relative)));
        var root = json.RootElement;

        Assert.Equal("meter", root.GetProperty("capHeldAgainst").GetString());
        Assert.Equal(root.GetProperty("gridImportMeteredKw").GetDouble(), root.GetProperty("gridImportKw").GetDouble());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("gridImportModelKw").ValueKind);
        Assert.Equal(882, root.GetProperty("holdBelowKw").GetDouble(), precision: 6);
        Assert.Equal(60, root.GetProperty("baseLoadConfiguredKw").GetDouble());
        Assert.InRange(root.GetProperty("baseLoadKw").GetDouble(), 0, 900);
    }

    [Fact]
    public async Task DemoBaseLoad_SetStepAndRefused()
    {
        Assert.Equal(60, (await DemoBaseLoadAsync(_client!.GetAsync(new Uri("/api/demo/base-load", UriKind.Relative)))).GetProperty("baseLoadKw").GetDouble());

        var set = await DemoBaseLoadAsync(_client.PostAsync(new Uri("/api/demo/base-load", UriKind.Relative), Json("""{"baseLoadKw": 120}""")));
        var stepped = await DemoBaseLoadAsync(_client.PostAsync(new Uri("/api/demo/base-load", UriKind.Relative), Json("""{"stepKw": 200}""")));

        Assert.Equal((120.0, 320.0), (set.GetProperty("baseLoadKw").GetDouble(), stepped.GetProperty("baseLoadKw").GetDouble()));
        foreach (var body in new[] { """{"baseLoadKw": -1}""", """{"baseLoadKw": 5000}""", "{}" })
        {
            var refused = await _client.PostAsync(new Uri("/api/demo/base-load", UriKind.Relative), Json(body));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.Equal(320, (await DemoBaseLoadAsync(_client.GetAsync(new Uri("/api/demo/base-load", UriKind.Relative)))).GetProperty("baseLoadKw").GetDouble());
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonElement> DemoBaseLoadAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task GetStatus_HasTheContractFieldsInCamelCase()
    {
        using var json = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/status", UriKind.Relative)));
        var root = json.RootElement;

        Assert.Equal("bathhouse", root.GetProperty("site").GetString());
        Assert.Equal(TimeSpan.Zero, root.GetProperty("time").GetDateTimeOffset().Offset);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("priceEurPerMwh").ValueKind);
        var import = root.GetProperty("gridImportKw").GetDouble();
        var cap = root.GetProperty("gridImportCapKw").GetDouble();
        Assert.InRange(import, 0.001, cap);
        Assert.Equal(900, cap);

        var workloads = root.GetProperty("workloads").EnumerateArray().ToList();
        Assert.Contains(workloads, w => w.GetProperty("name").GetString() == "acme-inference" && w.GetProperty("kind").GetString() == "inference");
        Assert.All(workloads, w =>
        {
            Assert.Equal(JsonValueKind.Number, w.GetProperty("powerKw").ValueKind);
            Assert.Equal(JsonValueKind.Number, w.GetProperty("gpus").ValueKind);
        });
        Assert.Equal(1280, workloads.Sum(w => w.GetProperty("gpus").GetInt32()));

        var heat = root.GetProperty("heat");
        foreach (var field in new[] { "demandKw", "deliveredKw", "storedKwh", "dumpedKw", "boilerKw" })
        {
            Assert.Equal(JsonValueKind.Number, heat.GetProperty(field).ValueKind);
        }

        Assert.True(heat.GetProperty("demandKw").GetDouble() > 0);
    }

    [Fact]
    public async Task GetStatus_GpuAssignments_OnePerGpuWithItsAgentAndShedStep()
    {
        using var json = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/status", UriKind.Relative)));

        var assignments = json.RootElement.GetProperty("gpuAssignments").EnumerateArray().ToList();
        Assert.Equal(1280, assignments.Count);
        Assert.Equal(1280, assignments.Select(a => a.GetProperty("gpu").GetString()).Distinct().Count());
        Assert.All(assignments, a =>
        {
            Assert.Equal("local", a.GetProperty("node").GetString());
            Assert.Contains(a.GetProperty("pool").GetString(), new[] { "liquid-h100", "air-l40s" });
            Assert.Equal(JsonValueKind.Number, a.GetProperty("targetW").ValueKind);
            Assert.Equal(JsonValueKind.Number, a.GetProperty("powerW").ValueKind);
            var working = a.GetProperty("workload").ValueKind == JsonValueKind.String;
            Assert.Equal(working, a.GetProperty("shed").ValueKind == JsonValueKind.String);
        });

        // The ramp limit lets only a few GPUs start per tick; the SLA's go first, marked as never shed by this site's policy.
        var sla = assignments.Where(a => a.GetProperty("shed").GetString() == "inferenceSla").ToList();
        Assert.NotEmpty(sla);
        Assert.All(sla, a => Assert.Equal("acme-inference", a.GetProperty("workload").GetString()));
    }

    [Fact]
    public async Task GetAgents_TheLocalAgentFollowing()
    {
        using var json = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/agents", UriKind.Relative)));

        var agent = Assert.Single(json.RootElement.EnumerateArray().ToList());
        Assert.Equal(("local", true, "following", 1280), (agent.GetProperty("node").GetString(), agent.GetProperty("online").GetBoolean(),
            agent.GetProperty("state").GetString(), agent.GetProperty("gpus").GetInt32()));
    }

    [Fact]
    public async Task PostCurtail_LowersTheCapInForceAndBadRequestsAreProblems()
    {
        using (var bad = new StringContent("{\"targetKw\": -5, \"durationSeconds\": 60}", System.Text.Encoding.UTF8, "application/json"))
        using (var response = await _client!.PostAsync(new Uri("/api/dr/curtail", UriKind.Relative), bad))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("targetKw must be a power", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var good = new StringContent("{\"id\": \"t1\", \"targetKw\": 300, \"durationSeconds\": 600}", System.Text.Encoding.UTF8, "application/json"))
        using (var response = await _client!.PostAsync(new Uri("/api/dr/curtail", UriKind.Relative), good))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        using var list = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/dr/curtailments", UriKind.Relative)));
        var curtailment = Assert.Single(list.RootElement.EnumerateArray().ToList());
        Assert.Equal(("t1", 300.0), (curtailment.GetProperty("id").GetString(), curtailment.GetProperty("capKw").GetDouble()));

        using var deleted = await _client!.DeleteAsync(new Uri("/api/dr/curtail/t1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var again = await _client!.DeleteAsync(new Uri("/api/dr/curtail/t1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Theory]
    [InlineData("{\"id\": \"x\", \"targetKw\": 300,", "from the request body as JSON")]
    [InlineData("{\"id\": \"x\", \"targetKw\": \"three hundred\", \"durationSeconds\": 60}", "targetKw")]
    [InlineData("{\"id\": \"x y\", \"targetKw\": 300, \"durationSeconds\": 60}", "id must be 1 to 64 characters")]
    [InlineData("{\"id\": 5, \"targetKw\": 300, \"durationSeconds\": 60}", "$.id")]
    public async Task PostCurtail_BodyThatDoesNotBindOrValidate_400ProblemSayingWhy(string json, string why)
    {
        using var body = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _client!.PostAsync(new Uri("/api/dr/curtail", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(why, problem.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PostCurtail_BodyOver64KiB_413ProblemAndNothingInForce()
    {
        var reason = new string('r', 100_000);
        using var body = new StringContent($"{{\"id\": \"big\", \"targetKw\": 300, \"durationSeconds\": 60, \"reason\": \"{reason}\"}}",
            System.Text.Encoding.UTF8, "application/json");
        using var response = await _client!.PostAsync(new Uri("/api/dr/curtail", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("65536 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("[]", await _client!.GetStringAsync(new Uri("/api/dr/curtailments", UriKind.Relative)));
    }

    [Fact]
    public async Task PostCurtail_ReasonTooLong_400()
    {
        using var body = new StringContent($"{{\"id\": \"r\", \"targetKw\": 300, \"durationSeconds\": 60, \"reason\": \"{new string('r', 300)}\"}}",
            System.Text.Encoding.UTF8, "application/json");
        using var response = await _client!.PostAsync(new Uri("/api/dr/curtail", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("reason must be at most 256 characters", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostCurtail_IdInForce_409NotReplacedAndNoIdGetsOneMadeUp()
    {
        static StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
        using (var first = await _client!.PostAsync(new Uri("/api/dr/curtail", UriKind.Relative), Body("{\"id\": \"tso-9\", \"targetKw\": 300, \"durationSeconds\": 600}")))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        using (var again = await _client!.PostAsync(new Uri("/api/dr/curtail", UriKind.Relative), Body("{\"id\": \"tso-9\", \"targetKw\": 800, \"durationSeconds\": 60}")))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("already in force", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var unnamed = await _client!.PostAsync(new Uri("/api/dr/curtail", UriKind.Relative), Body("{\"targetKw\": 500, \"durationSeconds\": 60}")))
        {
            Assert.Equal(HttpStatusCode.Accepted, unnamed.StatusCode);
            using var answer = JsonDocument.Parse(await unnamed.Content.ReadAsStringAsync());
            Assert.Matches("^hg-[0-9]{8}T[0-9]{6}-[0-9a-f]{6}$", answer.RootElement.GetProperty("id").GetString());
        }

        using var list = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/dr/curtailments", UriKind.Relative)));
        Assert.Equal(300, list.RootElement.EnumerateArray().Single(c => c.GetProperty("id").GetString() == "tso-9").GetProperty("capKw").GetDouble());
    }

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("127.0.0.1.nip.io")]
    public async Task AnyRequest_ForeignHostHeader_400Problem(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/status", UriKind.Relative));
        request.Headers.Host = host;

        using var response = await _client!.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("DNS rebinding", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("[::1]")]
    public async Task AnyRequest_LoopbackHost_Answered(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/health", UriKind.Relative));
        request.Headers.Host = host;

        using var response = await _client!.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PostCurtail_NextPlanIsMadeUnderTheLowerCapAndSaysWhy()
    {
        using (var body = new StringContent("{\"id\": \"tso-7\", \"targetKw\": 300, \"durationSeconds\": 3600, \"reason\": \"congestion\"}",
            System.Text.Encoding.UTF8, "application/json"))
        using (var response = await _client!.PostAsync(new Uri("/api/dr/curtail", UriKind.Relative), body))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        // The service re-plans by itself within seconds; here the next plan is asked for at once (it waits for one under way).
        await _app!.Services.GetRequiredService<Energy.Scheduler.Planning.PlanningService>().PlanOnceAsync(CancellationToken.None);

        using var json = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/plan", UriKind.Relative)));
        var first = json.RootElement.GetProperty("slots")[0];
        Assert.InRange(first.GetProperty("gridImportKw").GetDouble(), 0, 300);
        Assert.Contains(first.GetProperty("explanations").EnumerateArray(), e =>
            e.GetString()!.StartsWith("grid cap lowered to 300 kW (contract 900 kW)", StringComparison.Ordinal) && e.GetString()!.EndsWith("curtailment tso-7 (congestion)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetPlan_ReturnsTheSlotsWithExplanations()
    {
        using var json = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/plan", UriKind.Relative)));
        var slots = json.RootElement.GetProperty("slots").EnumerateArray().ToList();

        Assert.Equal("lp", json.RootElement.GetProperty("planner").GetString());
        Assert.True(slots.Count >= 24);
        Assert.All(slots, s => Assert.InRange(s.GetProperty("gridImportKw").GetDouble(), 0, 900));
        Assert.NotEmpty(slots[0].GetProperty("explanations").EnumerateArray());
    }

    [Fact]
    public async Task GetPlan_ForecastErrors_PerLoopAndTenantOverTheLast24Hours()
    {
        // The plan in force at 09:00 forecast 400 kW and 100 GPUs; the meters saw 500 and 300 kW, the tenant 120 GPUs.
        var ledger = _app!.Services.GetRequiredService<ForecastLedger>();
        var history = _app.Services.GetRequiredService<DemandHistory>();
        var now = _time.GetUtcNow();
        var nine = now.AddHours(-1);
        ledger.Record(nine, new PriceCurve(nine, TimeSpan.FromMinutes(15), Enumerable.Repeat(EnergyPrice.EurPerMwh(50), 2).ToList()),
            new Dictionary<string, IReadOnlyList<Power>> { ["bath"] = [Power.FromKilowatts(400), Power.FromKilowatts(400)] },
            new Dictionary<string, IReadOnlyList<int>> { ["acme-inference"] = [100, 100] });
        history.Restore("bath.heatDemandKw", nine, 500, now);
        history.Restore("bath.heatDemandKw", nine.AddMinutes(15), 300, now);
        history.Restore("tenant.acme-inference.demandGpus", nine, 120, now);

        using var json = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/plan", UriKind.Relative)));
        var root = json.RootElement;
        var errors = root.GetProperty("forecastErrors");

        Assert.Equal(JsonValueKind.Array, root.GetProperty("slots").ValueKind);
        Assert.Equal(24, errors.GetProperty("windowHours").GetDouble());
        var bath = Assert.Single(errors.GetProperty("heat").EnumerateArray().ToList());
        Assert.Equal(("bath", 2, 100.0, 0.0), (bath.GetProperty("loop").GetString(), bath.GetProperty("slots").GetInt32(),
            bath.GetProperty("meanAbsoluteErrorKw").GetDouble(), bath.GetProperty("biasKw").GetDouble()));
        Assert.Equal(Math.Round(100 * ((100 / 500.0) + (100 / 300.0)) / 2, 3), bath.GetProperty("meanAbsolutePercentError").GetDouble());
        var first = bath.GetProperty("perSlot")[0];
        Assert.Equal((nine, 400.0, 500.0), (first.GetProperty("start").GetDateTimeOffset(), first.GetProperty("forecastKw").GetDouble(), first.GetProperty("actualKw").GetDouble()));
        var acme = Assert.Single(errors.GetProperty("tenants").EnumerateArray().ToList());
        Assert.Equal(("acme-inference", 1, 20.0, -20.0), (acme.GetProperty("workload").GetString(), acme.GetProperty("slots").GetInt32(),
            acme.GetProperty("meanAbsoluteErrorGpus").GetDouble(), acme.GetProperty("biasGpus").GetDouble()));
        Assert.Equal((100.0, 120.0), (acme.GetProperty("perSlot")[0].GetProperty("forecastGpus").GetDouble(), acme.GetProperty("perSlot")[0].GetProperty("actualGpus").GetDouble()));

        // The planning service's own plan (made at 10:00, as the host started) is in the ledger for the slot it began.
        history.Restore("bath.heatDemandKw", now, 500, now);
        Assert.Contains(ledger.Compare("bath.heatDemandKw", now.AddMinutes(15)), p => p.Start == now && p.Forecast > 0);
    }

    [Fact]
    public async Task GetSignals_ListsEveryInputWithQualityAndAge()
    {
        using var json = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/signals", UriKind.Relative)));
        var signals = json.RootElement.EnumerateArray().ToList();

        var demand = signals.Single(s => s.GetProperty("name").GetString() == "bath.heatDemandKw");
        Assert.Equal("good", demand.GetProperty("quality").GetString());
        Assert.Equal("kW", demand.GetProperty("unit").GetString());
        Assert.True(demand.GetProperty("value").GetDouble() > 0);
        Assert.Equal("derived:delivered+boiler+shortfall", demand.GetProperty("source").GetString());
        Assert.Equal("demo-simulator", signals.Single(s => s.GetProperty("name").GetString() == "bath.heatDeliveredKw").GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, demand.GetProperty("reason").ValueKind);
        Assert.True(demand.GetProperty("ageSeconds").GetDouble() >= 0);
        Assert.Contains(signals, s => s.GetProperty("name").GetString() == "grid.frequencyHz");

        // Units are their symbols, as text: never an object.
        Assert.All(signals, s => Assert.Equal(JsonValueKind.String, s.GetProperty("unit").ValueKind));
        Assert.Equal("Hz", signals.Single(s => s.GetProperty("name").GetString() == "grid.frequencyHz").GetProperty("unit").GetString());
        Assert.Equal("kWh", signals.Single(s => s.GetProperty("name").GetString() == "bath.tankStoredKwh").GetProperty("unit").GetString());
    }

    [Fact]
    public async Task GetSummary_PowerDownAgainstTheDeadlinePerKind_EventsStayAList()
    {
        var at = _time.GetUtcNow();
        var log = _app!.Services.GetRequiredService<DemandResponseLog>();
        foreach (var (node, downMs) in new[] { ("n1", 110.0), ("n2", 140.0), ("n3", 820.0) })
        {
            log.Record(new DemandResponseEvent(AgentJson.Version, node, node + "-1", "frequency", 49.45, 49.5, 0.7, at, at.AddMilliseconds(2),
                at.AddMilliseconds(5), at.AddMilliseconds(downMs), 4000, 640, 8) { PowerReading = "nvml-instant", PowerReadingWindowMs = 25 });
        }

        using var summary = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/dr/summary", UriKind.Relative)));
        var frequency = summary.RootElement.GetProperty("kinds").EnumerateArray().Single(k => k.GetProperty("kind").GetString() == "frequency");
        Assert.Equal((3, 3, 2, 1), (frequency.GetProperty("count").GetInt32(), frequency.GetProperty("observed").GetInt32(),
            frequency.GetProperty("met").GetInt32(), frequency.GetProperty("late").GetInt32()));
        Assert.Equal((0.14, 0.82), (frequency.GetProperty("powerDownP50Seconds").GetDouble(), frequency.GetProperty("powerDownP99Seconds").GetDouble()));
        Assert.Equal(0.7, frequency.GetProperty("deadlines")[0].GetProperty("deadlineSeconds").GetDouble());
        Assert.Equal("nvml-instant", frequency.GetProperty("powerReadings")[0].GetString());

        // The events themselves: still a list, now saying how long the power took and on which reading.
        using var events = JsonDocument.Parse(await _client!.GetStringAsync(new Uri("/api/dr/events", UriKind.Relative)));
        var late = events.RootElement.EnumerateArray().Single(e => e.GetProperty("node").GetString() == "n3");
        Assert.Equal((0.82, false, "nvml-instant", 25.0), (late.GetProperty("powerDownSeconds").GetDouble(), late.GetProperty("metDeadline").GetBoolean(),
            late.GetProperty("powerReading").GetString(), late.GetProperty("powerReadingWindowMs").GetDouble()));
    }
}
