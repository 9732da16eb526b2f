using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Dashboard;
using Energy.Scheduler.Security;
using Energy.Scheduler.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Security;

/// <summary>
/// The browser's sessions (POST/GET/DELETE /api/session, cookie hg_session, X-CSRF-Token on writes) and the dashboard's
/// page and live events, through the in-memory app with users.
/// </summary>
public sealed class BrowserSessionTests : IAsyncLifetime
{
    private const string WrongKey = "hg_00000000000000ff_0000000000000000000000000000000000000000000000000000000000000000";
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-session-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 2, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<ApiRole, string> _keys = [];
    private InMemoryHeatGrid? _host;

    public async Task InitializeAsync()
    {
        var store = UserStore.Open(_data, _time);
        foreach (var role in Enum.GetValues<ApiRole>())
        {
            _keys[role] = store.Add(role.Name(), role.Name(), role == ApiRole.Tenant ? "Acme AI" : null).Text;
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

    private HttpClient Client => _host!.Client;

    private async Task<(string Cookie, string Csrf, HttpResponseMessage Response)> LoginAsync(ApiRole role)
    {
        var response = await Client.PostAsync(new Uri("/api/session", UriKind.Relative), Json($$"""{"key":"{{_keys[role]}}"}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var cookie = setCookie.Split(';')[0];
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (cookie, json.RootElement.GetProperty("csrfToken").GetString()!, response);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? cookie, string? csrf = null, string? body = null, string? key = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = Json(body);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (csrf is not null)
        {
            request.Headers.Add(BrowserSessions.CsrfHeader, csrf);
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await Client.SendAsync(request);
    }

    private int Curtailments() => _host!.App.Services.GetRequiredService<GridLimit>().Active(_time.GetUtcNow()).Count;

    private const string Curtail = """{"targetKw": 300, "durationSeconds": 600, "reason": "session test"}""";

    [Fact]
    public async Task Login_CookieIsHttpOnlyStrictRootPath_AndGetAnswersTheSameDocument()
    {
        var (cookie, csrf, response) = await LoginAsync(ApiRole.Operator);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant();
        Assert.StartsWith(BrowserSessions.Cookie + "=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", setCookie, StringComparison.Ordinal);
        Assert.Contains("path=/", setCookie, StringComparison.Ordinal);
        Assert.DoesNotContain("secure", setCookie, StringComparison.Ordinal);   // plain http here; Secure over https

        using var get = await SendAsync("GET", "/api/session", cookie);
        using var json = JsonDocument.Parse(await get.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(("operator", "operator", csrf), (json.RootElement.GetProperty("user").GetString(), json.RootElement.GetProperty("role").GetString(),
            json.RootElement.GetProperty("csrfToken").GetString()));
        Assert.False(json.RootElement.GetProperty("open").GetBoolean());

        using var status = await SendAsync("GET", "/api/status", cookie);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        using var none = await SendAsync("GET", "/api/session", null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
    }

    [Fact]
    public async Task CookieWrite_WithoutOrWithAWrongCsrfToken_403AndNothingChanged_WithTheToken_Done()
    {
        var (cookie, csrf, _) = await LoginAsync(ApiRole.Operator);
        var (_, otherCsrf, _) = await LoginAsync(ApiRole.Admin);
        foreach (var token in new[] { null, "", "wrong", otherCsrf })
        {
            using var refused = await SendAsync("POST", "/api/dr/curtail", cookie, token, Curtail);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains(BrowserSessions.CsrfHeader, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, Curtailments());
        using var done = await SendAsync("POST", "/api/dr/curtail", cookie, csrf, Curtail);
        Assert.Equal(HttpStatusCode.Accepted, done.StatusCode);
        Assert.Equal(1, Curtailments());

        // A key in Authorization needs no token, even beside a cookie; the key's role decides.
        using var byKey = await SendAsync("POST", "/api/dr/curtail", cookie, null, Curtail, key: _keys[ApiRole.Operator]);
        Assert.Equal(HttpStatusCode.Accepted, byKey.StatusCode);
        using var viewerKey = await SendAsync("POST", "/api/dr/curtail", cookie, csrf, Curtail, key: _keys[ApiRole.Viewer]);
        Assert.Equal(HttpStatusCode.Forbidden, viewerKey.StatusCode);
        Assert.Equal(2, Curtailments());
    }

    [Fact]
    public async Task ViewerSession_WriteWithItsToken_403ForTheRole()
    {
        var (cookie, csrf, _) = await LoginAsync(ApiRole.Viewer);
        using var refused = await SendAsync("POST", "/api/dr/curtail", cookie, csrf, Curtail);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("this key's role is viewer", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var put = await SendAsync("PUT", "/api/policy", cookie, csrf, """{"policy":{"maxImportPricePerMwh":1}}""");
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal(0, Curtailments());
    }

    [Fact]
    public async Task WrongKeyLogins_CountAsFailedAuthentications_TenThen429()
    {
        for (var i = 0; i < FailedAuthentications.MaxFailures; i++)
        {
            using var wrong = await Client.PostAsync(new Uri("/api/session", UriKind.Relative), Json(i % 2 == 0 ? $$"""{"key":"{{WrongKey}}"}""" : """{"key":"nonsense"}"""));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.False(wrong.Headers.Contains("Set-Cookie"));
        }

        using var limited = await Client.PostAsync(new Uri("/api/session", UriKind.Relative), Json($$"""{"key":"{{_keys[ApiRole.Viewer]}}"}"""));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        _time.Advance(FailedAuthentications.Window);
        await LoginAsync(ApiRole.Viewer);
    }

    [Fact]
    public async Task Logout_Expiry_AndARevokedKey_EndTheSession()
    {
        var (cookie, csrf, _) = await LoginAsync(ApiRole.Viewer);
        using (var logout = await SendAsync("DELETE", "/api/session", cookie, csrf))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("GET", "/api/session", cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("GET", "/api/status", cookie)).StatusCode);

        (cookie, _, _) = await LoginAsync(ApiRole.Viewer);
        _time.Advance(BrowserSessions.Lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GET", "/api/status", cookie)).StatusCode);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("GET", "/api/status", cookie)).StatusCode);

        (cookie, _, _) = await LoginAsync(ApiRole.Viewer);
        Assert.True(ApiKey.TryParse(_keys[ApiRole.Viewer], out var key));
        UserStore.Open(_data, _time).Revoke(key!.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("GET", "/api/status", cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("GET", "/api/session", cookie)).StatusCode);
    }

    [Fact]
    public async Task Page_IsServedWithoutAKey_TheApiIsNot()
    {
        Assert.True(DashboardFiles.Present, "the build embedded no dashboard (dashboard/dist)");
        using var page = await Client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"login-form\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);  // no CDN
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"/([^\"]+\\.js)\"").Groups[1].Value;
        using var js = await Client.GetAsync(new Uri("/" + script, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client.GetAsync(new Uri("/api/status", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Events_KeyRevokedWhileStreaming_TheStreamEnds()
    {
        var (cookie, _, _) = await LoginAsync(ApiRole.Viewer);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/events", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.StartsWith("event: ", await reader.ReadLineAsync(cancel.Token), StringComparison.Ordinal);   // the stream is up

        Assert.True(ApiKey.TryParse(_keys[ApiRole.Viewer], out var key));
        UserStore.Open(_data, _time).Revoke(key!.Id);
        var ticking = Task.Run(async () =>
        {
            while (!cancel.IsCancellationRequested)
            {
                _time.Advance(TimeSpan.FromSeconds(1));   // control ticks: each wakes the stream, which then checks the key
                await Task.Delay(50, CancellationToken.None);
            }
        });
        var events = new List<string>();
        while (await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                events.Add(line["event: ".Length..]);
            }
        }

        await cancel.CancelAsync();
        await ticking;
        Assert.Equal("end", events[^1]);
    }

    [Fact]
    public async Task Events_StatusEachTick_ForAViewerSession_TenantRefused()
    {
        var (cookie, _, _) = await LoginAsync(ApiRole.Viewer);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/events", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var kinds = new HashSet<string>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!(kinds.Contains("status") && kinds.Contains("plan")) && await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                kinds.Add(line["event: ".Length..]);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var json = JsonDocument.Parse(line["data: ".Length..]);   // each event is one JSON document
                Assert.NotEqual(JsonValueKind.Undefined, json.RootElement.ValueKind);
            }
        }

        Assert.Contains("status", kinds);
        Assert.Contains("plan", kinds);
        Assert.DoesNotContain("audit", kinds);   // a viewer may not read the audit trail

        using var tenant = await SendAsync("GET", "/api/events", null, key: _keys[ApiRole.Tenant]);
        Assert.Equal(HttpStatusCode.Forbidden, tenant.StatusCode);
        using var nobody = await SendAsync("GET", "/api/events", null);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
    }
}
