using System.Net;
using System.Text;
using System.Text.Json;
using Energy.Scheduler.Cli;
using Energy.Contracts.Configuration;
using Energy.Scheduler.Security;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Api;

/// <summary>The policy API in the real app with users: roles, the site file's error texts, 409, rollback, re-plan and audit.</summary>
public sealed class PolicyApiTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-policy-api-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 2, 1, 10, 0, 0, TimeSpan.Zero));
    private InMemoryHeatGrid? _host;
    private readonly Dictionary<string, ApiKey> _keys = [];

    public async Task InitializeAsync()
    {
        var users = UserStore.Open(_data, _time);
        foreach (var (name, role, tenant) in new[] { ("ana", "operator", null), ("ada", "admin", null), ("vic", "viewer", null),
            ("tom", "tenant", "Acme AI"), ("ian", "integrator", null) })
        {
            _keys[role] = users.Add(name, role, tenant);
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

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? role, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (role is not null)
        {
            request.Headers.Add(ApiKeyAuthenticationHandler.ApiKeyHeader, _keys[role].Text);
        }

        using var response = await _host!.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string Put(double maxPrice, string reason, int? baseVersion = null) =>
        $$"""{"policy": {"shedOrder": ["mining", "heater", "inferenceAboveSla"], "maxImportPricePerMwh": {{maxPrice}}, "rampLimitKwPerMinute": 300, "minDwell": "15m", "safeState": "idle"}, "reason": "{{reason}}"{{(baseVersion is { } b ? $", \"baseVersion\": {b}" : "")}}}""";

    private async Task<string> StateAsync() =>
        (await SendAsync(HttpMethod.Get, "/api/policy/versions", "admin")).Body.GetRawText();

    [Fact]
    public async Task Get_ViewerReads_TheSiteFilesPolicyAsVersionOne_InTheSiteFilesKeys()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/api/policy", "viewer");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((1, "site", "site file"), (body.GetProperty("version").GetInt32(), body.GetProperty("source").GetString(), body.GetProperty("changedBy").GetString()));
        var policy = body.GetProperty("policy");
        Assert.Equal("""["mining","heater","inferenceAboveSla"]""", policy.GetProperty("shedOrder").GetRawText());
        Assert.Equal((400.0, 300.0, "15m", "idle"), (policy.GetProperty("maxImportPricePerMwh").GetDouble(), policy.GetProperty("rampLimitKwPerMinute").GetDouble(),
            policy.GetProperty("minDwell").GetString(), policy.GetProperty("safeState").GetString()));
        var plan = (await SendAsync(HttpMethod.Get, "/api/plan", "viewer")).Body;
        Assert.Equal(1, plan.GetProperty("policyVersion").GetInt32());
        Assert.Contains(plan.GetProperty("slots").EnumerateArray(), s => !s.GetProperty("explanations").EnumerateArray()
            .Any(e => e.GetString()!.Contains("above the policy limit", StringComparison.Ordinal)));   // under 400 EUR/MWh not only SLA work runs
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("viewer", HttpStatusCode.Forbidden)]
    [InlineData("tenant", HttpStatusCode.Forbidden)]
    [InlineData("integrator", HttpStatusCode.Forbidden)]
    public async Task Writes_WithoutAKeyOrByALowerRole_Refused_NothingChanges(string? role, HttpStatusCode expected)
    {
        var before = await StateAsync();

        Assert.Equal(expected, (await SendAsync(HttpMethod.Put, "/api/policy", role, Put(100, "no"))).Status);
        Assert.Equal(expected, (await SendAsync(HttpMethod.Post, "/api/policy/rollback", role, """{"version": 1}""")).Status);

        Assert.Equal(before, await StateAsync());
        var audit = (await SendAsync(HttpMethod.Get, "/api/audit", "operator")).Body;
        Assert.DoesNotContain(audit.EnumerateArray(), e => e.GetProperty("what").GetString()!.StartsWith("policy.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Put_ByAnOperator_NewVersion_ReplannedUnderIt_Audited_ThenRollbackByAnAdmin()
    {
        var (status, body) = await SendAsync(HttpMethod.Put, "/api/policy", "operator", Put(1, "evening peak", baseVersion: 1));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((2, "ana", "operator", "evening peak", "api"), (body.GetProperty("version").GetInt32(), body.GetProperty("changedBy").GetString(),
            body.GetProperty("role").GetString(), body.GetProperty("reason").GetString(), body.GetProperty("source").GetString()));

        // Re-planned before the answer: every slot's power costs more than 1 EUR/MWh all-in, so only SLA work runs.
        var plan = (await SendAsync(HttpMethod.Get, "/api/plan", "viewer")).Body;
        Assert.Equal(2, plan.GetProperty("policyVersion").GetInt32());
        Assert.All(plan.GetProperty("slots").EnumerateArray(), s => Assert.Contains(s.GetProperty("explanations").EnumerateArray(),
            e => e.GetString()!.Contains("above the policy limit of 1", StringComparison.Ordinal)));

        var entry = Assert.Single((await SendAsync(HttpMethod.Get, "/api/audit", "operator")).Body.EnumerateArray(),
            e => e.GetProperty("what").GetString() == "policy.change");
        Assert.Equal(("ana", "operator", "evening peak"), (entry.GetProperty("who").GetString(), entry.GetProperty("role").GetString(), entry.GetProperty("why").GetString()));
        Assert.Equal("""{"maxImportPricePerMwh":400,"version":1}""", entry.GetProperty("before").GetRawText());
        Assert.Equal("""{"maxImportPricePerMwh":1,"version":2}""", entry.GetProperty("after").GetRawText());

        var (conflict, problem) = await SendAsync(HttpMethod.Put, "/api/policy", "operator", Put(300, "late", baseVersion: 1));
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        Assert.Equal(2, problem.GetProperty("version").GetInt32());

        var (rolled, back) = await SendAsync(HttpMethod.Post, "/api/policy/rollback", "admin", """{"version": 1, "reason": "peak over"}""");
        Assert.Equal(HttpStatusCode.OK, rolled);
        Assert.Equal((3, 400.0), (back.GetProperty("version").GetInt32(), back.GetProperty("policy").GetProperty("maxImportPricePerMwh").GetDouble()));
        Assert.Equal(3, (await SendAsync(HttpMethod.Get, "/api/plan", "viewer")).Body.GetProperty("policyVersion").GetInt32());
        var versions = (await SendAsync(HttpMethod.Get, "/api/policy/versions", "viewer")).Body.GetProperty("versions");
        Assert.Equal([3, 2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Contains((await SendAsync(HttpMethod.Get, "/api/audit", "operator")).Body.EnumerateArray(),
            e => e.GetProperty("what").GetString() == "policy.rollback" && e.GetProperty("who").GetString() == "ada");
    }

    [Fact]
    public async Task Put_Invalid_400WithTheSiteFilesOwnTexts_NothingChanges()
    {
        var before = await StateAsync();
        var yaml = RunCommand.DemoSite()
            .Replace("maxImportPricePerMwh: 400 ", "maxImportPricePerMwh: cheap ", StringComparison.Ordinal)
            .Replace("shedOrder: [mining, heater, inferenceAboveSla]", "shedOrder: [mining, heater, mining]", StringComparison.Ordinal)
            .Replace("rampLimitKwPerMinute: 300", "rampLimitKwPerMinute: 0\n  rampLimit: 5", StringComparison.Ordinal);
        var siteFile = SiteFile.Parse(yaml, "site.yaml").Errors;
        Assert.Equal(4, siteFile.Count);

        var (status, problem) = await SendAsync(HttpMethod.Put, "/api/policy", "operator", """
            {"policy": {"shedOrder": ["mining", "heater", "mining"], "maxImportPricePerMwh": "cheap", "rampLimitKwPerMinute": 0, "rampLimit": 5, "minDwell": "15m"}}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(string.Join("; ", siteFile.Select(e => $"{e.Field}: {e.Message}")), problem.GetProperty("detail").GetString());
        Assert.Equal(siteFile.Select(e => (e.Field, e.Message)), problem.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("field").GetString()!, e.GetProperty("message").GetString()!)));
        Assert.Equal(before, await StateAsync());
    }
}
