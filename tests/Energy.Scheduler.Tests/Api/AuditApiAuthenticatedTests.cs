using System.Net;
using System.Text.Json;
using Energy.Scheduler.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Api;

/// <summary>With users, the audit trail keeps the authenticated user and role the API's caller seam names; a refused write leaves none.</summary>
public sealed class AuditApiAuthenticatedTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-audit-auth-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 2, 1, 10, 0, 0, TimeSpan.Zero));
    private InMemoryHeatGrid? _host;
    private WebApplication? _app;
    private HttpClient? _client;
    private ApiKey? _operator;
    private ApiKey? _viewer;

    public async Task InitializeAsync()
    {
        var users = UserStore.Open(_data, _time);
        _operator = users.Add("ana", "operator", null);
        _viewer = users.Add("vic", "viewer", null);
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
    public async Task PostCurtail_ByAnOperator_TheEntryNamesTheUserAndRole_AViewersRefusedWriteLeavesNone()
    {
        using (var refused = await CurtailAsync(_viewer!, "v1"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var accepted = await CurtailAsync(_operator!, "o1"))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using (var viewer = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/audit", UriKind.Relative)))
        {
            viewer.Headers.Add(ApiKeyAuthenticationHandler.ApiKeyHeader, _viewer!.Text);
            using var refused = await _client!.SendAsync(viewer);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);     // the trail names people and addresses: operators only
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/audit", UriKind.Relative));
        request.Headers.Add(ApiKeyAuthenticationHandler.ApiKeyHeader, _operator!.Text);
        using var response = await _client!.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var curtails = json.RootElement.EnumerateArray().Where(e => e.GetProperty("what").GetString() == "dr.curtail").ToList();
        var entry = Assert.Single(curtails);
        Assert.Equal(("ana", "operator", "o1"), (entry.GetProperty("who").GetString(), entry.GetProperty("role").GetString(),
            entry.GetProperty("after").GetProperty("id").GetString()));
    }

    private async Task<HttpResponseMessage> CurtailAsync(ApiKey key, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/dr/curtail", UriKind.Relative))
        {
            Content = new StringContent($$"""{"id": "{{id}}", "targetKw": 300, "durationSeconds": 600}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(ApiKeyAuthenticationHandler.ApiKeyHeader, key.Text);
        return await _client!.SendAsync(request);
    }
}
