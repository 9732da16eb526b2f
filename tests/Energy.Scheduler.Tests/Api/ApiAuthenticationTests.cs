using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Api;

/// <summary>
/// The HTTP API once users exist (DATA/users.json), through an in-memory server: every write endpoint the app maps is tried
/// without a key, with a wrong key and with each lower role, and the state read before and after is the same.
/// </summary>
public sealed class ApiAuthenticationTests : IAsyncLifetime
{
    private const string WrongKey = "hg_00000000000000ff_0000000000000000000000000000000000000000000000000000000000000000";
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-auth-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 2, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly Dictionary<ApiRole, string> _keys = [];
    private InMemoryHeatGrid? _host;
    private WebApplication? _app;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        var store = UserStore.Open(_data, _time);
        foreach (var role in Enum.GetValues<ApiRole>())
        {
            _keys[role] = store.Add(role.Name(), role.Name(), role == ApiRole.Tenant ? "Acme AI" : null).Text;
        }

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

    /// <summary>
    /// Every endpoint the app maps for a method other than GET and HEAD, with its route values filled in; but the browser's
    /// login and logout (<c>/api/session</c>), which take no key by design and change no state of the site
    /// (BrowserSessionTests checks them: a wrong key there is a failed login).
    /// </summary>
    private List<(string Method, string Path)> WriteEndpoints() =>
    [
        .. _app!.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != "/api/session")
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["POST"])
                .Where(m => m is not "GET" and not "HEAD")
                .Select(m => (m, "/" + Regex.Replace(e.RoutePattern.RawText!.TrimStart('/'), @"\{[^}]+\}", "keep")))),
    ];

    private static string Body(string path) => path switch
    {
        "/api/dr/curtail" => """{"id": "intruder", "targetKw": 100, "durationSeconds": 600}""",
        "/api/demo/base-load" => """{"baseLoadKw": 500}""",
        "/api/pouw/jobs" => """{"tenant": "Someone Else", "job": "j", "weightsRoot": "00", "m": 32, "n": 32, "k": 256, "tilesPerTicket": 2}""",   // a tenant key registers only its own
        _ => "{}",
    };

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? key, string? body = null, bool bearer = true, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        if (key is not null && bearer)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        else if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await (client ?? _client!).SendAsync(request);
    }

    /// <summary>A client whose requests come from <paramref name="address"/>: failed authentications are counted per address.</summary>
    private HttpClient ClientFrom(string address)
    {
        var server = _app!.GetTestServer();
        return new HttpClient(server.CreateHandler(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address))) { BaseAddress = server.BaseAddress };
    }

    private async Task<string> StateAsync()
    {
        var admin = _keys[ApiRole.Admin];
        var parts = new List<string>();
        foreach (var path in new[] { "/api/dr/curtailments", "/api/dr/events", "/api/demo/base-load", "/api/users", "/api/policy/versions" })
        {
            using var response = await SendAsync("GET", path, admin);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            parts.Add(path + " " + await response.Content.ReadAsStringAsync());
        }

        var limit = _app!.Services.GetRequiredService<GridLimit>();
        parts.Add("cap " + limit.CapAt(_time.GetUtcNow()));
        return string.Join('\n', parts);
    }

    [Fact]
    public async Task EveryWriteEndpoint_NoKeyWrongKeyOrLowerRole_401Or403ProblemAndNothingChanged()
    {
        using (var keep = await SendAsync("POST", "/api/dr/curtail", _keys[ApiRole.Operator], """{"id": "keep", "targetKw": 300, "durationSeconds": 600}"""))
        {
            Assert.Equal(HttpStatusCode.Accepted, keep.StatusCode);
        }

        var writes = WriteEndpoints();
        Assert.Superset(new HashSet<(string, string)> { ("POST", "/api/dr/curtail"), ("DELETE", "/api/dr/curtail/keep"), ("POST", "/api/demo/base-load") }, writes.ToHashSet());
        var before = await StateAsync();

        for (var i = 0; i < writes.Count; i++)
        {
            // Each endpoint's wrong keys from an address of their own: more endpoints than the failed-key limit allows from one are answered 429.
            var (method, path) = writes[i];
            using var client = ClientFrom($"10.9.0.{i + 1}");
            foreach (var (key, bearer) in new[] { ((string?)null, true), (WrongKey, true), (WrongKey, false), ("not-a-key", true) })
            {
                using var response = await SendAsync(method, path, key, Body(path), bearer, client);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with key {key}: {response.StatusCode}");
                Assert.StartsWith("Bearer realm=\"heatgrid\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }

            foreach (var role in new[] { ApiRole.Viewer, ApiRole.Tenant, ApiRole.Integrator })
            {
                using var response = await SendAsync(method, path, _keys[role], Body(path), bearer: role != ApiRole.Tenant);
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} as {role}: {response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains($"this key's role is {role.Name()}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(before, await StateAsync());
        Assert.Equal("keep", Assert.Single(_app!.Services.GetRequiredService<GridLimit>().Active(_time.GetUtcNow())).Id);
    }

    [Fact]
    public async Task Writes_Operator_SucceedAndTheCurtailmentNamesItsUserAndRole()
    {
        using (var curtail = await SendAsync("POST", "/api/dr/curtail", _keys[ApiRole.Operator], Body("/api/dr/curtail")))
        {
            Assert.Equal(HttpStatusCode.Accepted, curtail.StatusCode);
        }

        var curtailment = Assert.Single(_app!.Services.GetRequiredService<GridLimit>().Active(_time.GetUtcNow()));
        Assert.Equal("intruder", curtailment.Id);
        Assert.StartsWith("http:operator/operator@", curtailment.SetBy, StringComparison.Ordinal);

        using (var baseLoad = await SendAsync("POST", "/api/demo/base-load", _keys[ApiRole.Operator], Body("/api/demo/base-load"), bearer: false))
        {
            Assert.Equal(HttpStatusCode.OK, baseLoad.StatusCode);
        }

        using (var cancel = await SendAsync("DELETE", "/api/dr/curtail/intruder", _keys[ApiRole.Admin]))
        {
            Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        }

        Assert.Empty(_app.Services.GetRequiredService<GridLimit>().Active(_time.GetUtcNow()));
        Assert.Contains("\"baseLoadKw\":500", await (await SendAsync("GET", "/api/demo/base-load", _keys[ApiRole.Viewer])).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_ByRole()
    {
        async Task<HttpStatusCode> Status(string path, ApiRole? role)
        {
            using var response = await SendAsync("GET", path, role is { } r ? _keys[r] : null);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Status("/health", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await Status("/api/status", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await Status("/no/such/path", null));
        Assert.Equal(HttpStatusCode.OK, await Status("/api/status", ApiRole.Viewer));
        Assert.Equal(HttpStatusCode.OK, await Status("/api/plan", ApiRole.Integrator));
        Assert.Equal(HttpStatusCode.Forbidden, await Status("/api/status", ApiRole.Tenant));

        const string window = "/api/statements?from=2024-01-01&to=2024-01-02&";
        Assert.DoesNotContain(await Status(window + "tenant=Acme%20AI", ApiRole.Tenant), new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        Assert.Equal(HttpStatusCode.Forbidden, await Status(window + "tenant=Other", ApiRole.Tenant));
        Assert.Equal(HttpStatusCode.Forbidden, await Status(window + "facility=true", ApiRole.Tenant));
        Assert.DoesNotContain(await Status(window + "heatBuyer=town", ApiRole.Integrator), new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        Assert.Equal(HttpStatusCode.Forbidden, await Status(window + "facility=true", ApiRole.Viewer));

        Assert.Equal(HttpStatusCode.Forbidden, await Status("/api/users", ApiRole.Operator));
        using var users = await SendAsync("GET", "/api/users", _keys[ApiRole.Admin]);
        var text = await users.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        Assert.Contains("\"name\":\"tenant\",\"role\":\"tenant\",\"tenant\":\"Acme AI\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sha256", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TenantView_ATenantReadsItsOwnOnly_NothingOfOthersInIt()
    {
        using var own = await SendAsync("GET", "/api/tenants/Acme%20AI", _keys[ApiRole.Tenant]);
        var text = await own.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal("Acme AI", root.GetProperty("tenant").GetString());
        var workload = Assert.Single(root.GetProperty("workloads").EnumerateArray());
        Assert.Equal(("acme-inference", 96), (workload.GetProperty("name").GetString(), workload.GetProperty("slaMinGpus").GetInt32()));
        Assert.NotEmpty(root.GetProperty("plan").EnumerateArray());
        Assert.All(root.GetProperty("plan").EnumerateArray().SelectMany(s => s.GetProperty("allocations").EnumerateArray()),
            a => Assert.Equal("acme-inference", a.GetProperty("workload").GetString()));
        Assert.All(root.GetProperty("gpus").EnumerateArray(),
            g => Assert.Equal("acme-inference", g.GetProperty("runningWorkload").GetString() ?? g.GetProperty("workload").GetString()));
        Assert.DoesNotContain("mining", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("heater", text, StringComparison.OrdinalIgnoreCase);

        using var other = await SendAsync("GET", "/api/tenants/Other", _keys[ApiRole.Tenant]);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        using var none = await SendAsync("GET", "/api/tenants/Acme%20AI", null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        using var viewer = await SendAsync("GET", "/api/tenants/Acme%20AI", _keys[ApiRole.Viewer]);
        Assert.Equal(HttpStatusCode.OK, viewer.StatusCode);
        using var unknown = await SendAsync("GET", "/api/tenants/Nobody", _keys[ApiRole.Operator]);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("tenants: Acme AI", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKeys_TenFromOneAddress_429WithRetryAfterUntilTheMinuteIsOver()
    {
        for (var i = 0; i < FailedAuthentications.MaxFailures; i++)
        {
            using var wrong = await SendAsync("GET", "/api/status", WrongKey);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var limited = await SendAsync("GET", "/api/status", _keys[ApiRole.Viewer]))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(60), limited.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        }

        using (var health = await SendAsync("GET", "/health", null))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        _time.Advance(FailedAuthentications.Window);
        using var again = await SendAsync("GET", "/api/status", _keys[ApiRole.Viewer]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task KeyRevokedWhileRunning_RefusedAtOnce()
    {
        var viewer = _keys[ApiRole.Viewer];
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GET", "/api/status", viewer)).StatusCode);

        Assert.True(ApiKey.TryParse(viewer, out var parsed));
        UserStore.Open(_data, _time).Revoke(parsed!.Id);

        using var refused = await SendAsync("GET", "/api/status", viewer);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("revoked", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
