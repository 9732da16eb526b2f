using System.Net;
using System.Text.Json;
using Energy.Scheduler.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Api;

/// <summary>The writes of the HTTP API land in the audit trail, which <c>GET /api/audit</c> answers; through an in-memory server.</summary>
public sealed class AuditApiTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-audit-api-").FullName;
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
    public async Task PostCurtail_AnEntryWithWhoFromAndTheCapBeforeAndAfter_ThenTheCancel()
    {
        using (var body = Json("""{"id": "t1", "targetKw": 300, "durationSeconds": 600, "reason": "grid operator test"}"""))
        using (var response = await _client!.PostAsync(new Uri("/api/dr/curtail", UriKind.Relative), body))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        using (var deleted = await _client.DeleteAsync(new Uri("/api/dr/curtail/t1", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var entries = await AuditAsync("/api/audit?limit=1000");
        var curtail = entries.Single(e => e.GetProperty("what").GetString() == "dr.curtail");
        Assert.Equal(("anonymous", JsonValueKind.Null, "grid operator test"), (curtail.GetProperty("who").GetString(), curtail.GetProperty("role").ValueKind,
            curtail.GetProperty("why").GetString()));
        Assert.False(string.IsNullOrEmpty(curtail.GetProperty("from").GetString()));
        Assert.Equal(900, curtail.GetProperty("before").GetProperty("capKw").GetDouble());
        Assert.Equal(("t1", 300.0), (curtail.GetProperty("after").GetProperty("id").GetString(), curtail.GetProperty("after").GetProperty("capKw").GetDouble()));

        var cancel = entries.Single(e => e.GetProperty("what").GetString() == "dr.cancel");
        Assert.Equal((300.0, "t1", 900.0), (cancel.GetProperty("before").GetProperty("capKw").GetDouble(),
            cancel.GetProperty("before").GetProperty("curtailment").GetProperty("id").GetString(), cancel.GetProperty("after").GetProperty("capKw").GetDouble()));
        Assert.True(cancel.GetProperty("seq").GetInt64() > curtail.GetProperty("seq").GetInt64());
        Assert.True(AuditVerification.Of(_data).Intact);
    }

    [Fact]
    public async Task PostCurtail_Refused_NoEntry()
    {
        using var body = Json("""{"targetKw": -5, "durationSeconds": 60}""");
        using var response = await _client!.PostAsync(new Uri("/api/dr/curtail", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(await AuditAsync("/api/audit"), e => e.GetProperty("what").GetString()!.StartsWith("dr.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PostDemoBaseLoad_AnEntryWithTheBaseLoadBeforeAndAfter()
    {
        using (var body = Json("""{"baseLoadKw": 120}"""))
        using (var response = await _client!.PostAsync(new Uri("/api/demo/base-load", UriKind.Relative), body))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var entry = (await AuditAsync("/api/audit?limit=1")).Single();
        Assert.Equal(("demo.baseLoad", 60.0, 120.0), (entry.GetProperty("what").GetString(), entry.GetProperty("before").GetProperty("baseLoadKw").GetDouble(),
            entry.GetProperty("after").GetProperty("baseLoadKw").GetDouble()));
    }

    [Fact]
    public async Task GetAudit_NewestFirstAndSince()
    {
        for (var kw = 100; kw <= 130; kw += 10)
        {
            using var body = Json($$"""{"baseLoadKw": {{kw}}}""");
            using var response = await _client!.PostAsync(new Uri("/api/demo/base-load", UriKind.Relative), body);
        }

        var all = await AuditAsync("/api/audit");
        var seqs = all.Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.OrderDescending(), seqs);
        var since = seqs[2];
        Assert.Equal(seqs[..2], (await AuditAsync($"/api/audit?since={since}")).Select(e => e.GetProperty("seq").GetInt64()));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=ten")]
    [InlineData("since=-1")]
    [InlineData("since=1.5")]
    public async Task GetAudit_BadQuery_400SayingWhich(string query)
    {
        using var response = await _client!.GetAsync(new Uri($"/api/audit?{query}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(query.Split('=')[0] + ":", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> AuditAsync(string path)
    {
        using var json = JsonDocument.Parse(await _client!.GetStringAsync(new Uri(path, UriKind.Relative)));
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
