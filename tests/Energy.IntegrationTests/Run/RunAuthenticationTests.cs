using System.Diagnostics;
using System.Net;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Run;

/// <summary>
/// <c>heatgrid run</c> on every address as a real process: refused without users (exit 2, saying how to add one); with users
/// every request on the real socket needs a key of the right role, loopback included.
/// </summary>
[Collection(DemoPorts.Name)]
public sealed class RunAuthenticationTests : IDisposable
{
    private static readonly TimeSpan StartBudget = TimeSpan.FromSeconds(15);
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-run-auth-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Run_EveryAddressWithoutUsers_Exit2SayingHowToAddOne()
    {
        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "run", "--http", $"0.0.0.0:{FreePort.Next()}", "--data", _data);

        Assert.Equal(2, code);
        Assert.Contains("heatgrid users add NAME --role admin --data " + _data, output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_data, "users.json")));
    }

    [Fact]
    public async Task Run_EveryAddressWithUsers_KeysAndRolesOnTheRealSocket()
    {
        var viewer = await AddUserAsync("watcher", "viewer");
        var operatorKey = await AddUserAsync("ops", "operator");
        var port = FreePort.Next();

        // The demo site with its simulated meters on free ports: a HeatGrid already running on this host keeps the usual ones.
        var site = Path.Combine(_data, "bathhouse.yaml");
        var yaml = await File.ReadAllTextAsync(RepoPaths.Example("bathhouse.yaml"));
        foreach (var demoPort in new[] { "15020", "15021", "15022" })
        {
            yaml = yaml.Replace("127.0.0.1:" + demoPort, $"127.0.0.1:{FreePort.Next()}", StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(site, yaml);
        using var heatgrid = HeatGridProcess.Start("run", "--site", site, "--demo", "--http", $"0.0.0.0:{port}", "--data", _data,
            "--mqtt-listen", $"127.0.0.1:{FreePort.Next()}");
        var clock = Stopwatch.StartNew();
        while (await StatusCodeAsync(HttpMethod.Get, port, "/api/status", viewer) != HttpStatusCode.OK)
        {
            Assert.False(heatgrid.HasExited, "heatgrid exited early:\n" + heatgrid.Output);
            Assert.True(clock.Elapsed < StartBudget, $"no /api/status within {StartBudget.TotalSeconds} s:\n{heatgrid.Output}");
            await Task.Delay(200);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusCodeAsync(HttpMethod.Get, port, "/health", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusCodeAsync(HttpMethod.Get, port, "/api/status", null));
        const string curtail = """{"id": "it-1", "targetKw": 300, "durationSeconds": 600}""";
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusCodeAsync(HttpMethod.Post, port, "/api/dr/curtail", null, curtail));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusCodeAsync(HttpMethod.Post, port, "/api/dr/curtail", viewer, curtail));
        Assert.Equal("[]", await (await SendAsync(HttpMethod.Get, port, "/api/dr/curtailments", viewer)).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Accepted, await StatusCodeAsync(HttpMethod.Post, port, "/api/dr/curtail", operatorKey, curtail));
        Assert.Contains("\"id\":\"it-1\"", await (await SendAsync(HttpMethod.Get, port, "/api/dr/curtailments", viewer)).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        heatgrid.Signal("TERM");
        Assert.True(await heatgrid.WaitForExitAsync(TimeSpan.FromSeconds(5)), "did not stop within 5 s of SIGTERM:\n" + heatgrid.Output);
        Assert.Contains("needs an API key: 2 users", heatgrid.Output, StringComparison.Ordinal);
        Assert.Contains("curtailment", heatgrid.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("http:ops/operator@127.0.0.1", heatgrid.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(operatorKey, heatgrid.Output, StringComparison.Ordinal);
    }

    private Task<string> AddUserAsync(string name, string role) => HeatGridUsers.AddAsync(_data, name, role);

    private async Task<HttpStatusCode> StatusCodeAsync(HttpMethod method, int port, string path, string? key, string? body = null)
    {
        try
        {
            using var response = await SendAsync(method, port, path, key, body);
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, int port, string path, string? key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri($"http://127.0.0.1:{port}{path}"));
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }
}
