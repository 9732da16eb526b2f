using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Energy.IntegrationTests.Support;
using Xunit.Abstractions;

namespace Energy.IntegrationTests.Ha;

/// <summary>
/// The API's users with <c>--ha</c>, end to end: a user added with <c>heatgrid users add --ha</c> signs in on the leader
/// and on the standby within the poll, and on the new leader after the old one is killed. Browser sessions stay per
/// process (a cookie from one controller is not known to another); keys work on every controller.
/// </summary>
public sealed class HaUsersTests(ITestOutputHelper output)
{
    [RequiresPostgresFact]
    public async Task UserAddedWithTheCli_SignsInOnLeaderAndStandby_AndOnTheNewLeaderAfterATakeover()
    {
        Assert.Null(MosquittoBroker.Missing);
        await using var ha = await HaRig.StartAsync();
        ha.StartController("a");
        await WaitAsync(async () => await ha.LeadersAsync() is ["a"], TimeSpan.FromSeconds(60), "controller a leading", ha.Logs);
        ha.StartController("b");
        await WaitAsync(async () => await ha.HaOfAsync("b") is { } b && b.GetProperty("role").GetString() == "standby",
            TimeSpan.FromSeconds(60), "b standing by", ha.Logs);
        Assert.Equal(HttpStatusCode.OK, await UsersStatusAsync(ha, "b", key: null));   // no users yet, loopback: open

        var data = Directory.CreateTempSubdirectory("heatgrid-ha-users-cli-").FullName;
        try
        {
            using var cli = HeatGridProcess.Start(new Dictionary<string, string> { ["HEATGRID_HA_PASSWORD"] = HaRig.RolePassword },
                "users", "add", "ops", "--role", "admin", "--ha", ha.Postgres.ConnectionUri("heatgrid", HaRig.Role), "--site", ha.SitePath, "--data", data);
            Assert.True(await cli.WaitForExitAsync(TimeSpan.FromSeconds(60)) && cli.ExitCode == 0, cli.Output);
            var key = HeatGridUsers.KeyIn(cli.Output);
            var clock = Stopwatch.StartNew();
            foreach (var controller in new[] { "a", "b" })
            {
                await WaitAsync(async () => await UsersStatusAsync(ha, controller, key) == HttpStatusCode.OK
                    && await UsersStatusAsync(ha, controller, key: null) == HttpStatusCode.Unauthorized,
                    TimeSpan.FromSeconds(10), $"{controller} taking the key and refusing without one", ha.Logs);
            }

            output.WriteLine($"the CLI's user signs in on leader and standby {clock.Elapsed.TotalMilliseconds:F0} ms after the CLI returned");

            // A browser signs in on the standby too; its session is that controller's only.
            var cookie = await LogInAsync(ha, "b", key);
            Assert.Equal(HttpStatusCode.OK, await UsersStatusAsync(ha, "b", key: null, cookie));
            Assert.Equal(HttpStatusCode.Unauthorized, await UsersStatusAsync(ha, "a", key: null, cookie));

            ha.Controllers["a"].Signal("KILL");
            await WaitAsync(async () => await ha.LeadersAsync() is ["b"], TimeSpan.FromSeconds(30), "b leading after a was killed", ha.Logs);
            Assert.Equal(HttpStatusCode.OK, await UsersStatusAsync(ha, "b", key));
            Assert.Equal(HttpStatusCode.Unauthorized, await UsersStatusAsync(ha, "b", key: null));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>A client that keeps no cookies: each request carries exactly what the test gives it.</summary>
    private static readonly HttpClient NoCookies = new(new HttpClientHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(10) };

    private static async Task<HttpStatusCode> UsersStatusAsync(HaRig ha, string controller, string? key, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ha.Url(controller, "/api/users"));
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var response = await NoCookies.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>POST /api/session with <paramref name="key"/>: the session cookie (name=value) the controller set.</summary>
    private static async Task<string> LogInAsync(HaRig ha, string controller, string key)
    {
        using var body = new StringContent(System.Text.Json.JsonSerializer.Serialize(new { key }), System.Text.Encoding.UTF8, "application/json");
        using var response = await NoCookies.PostAsync(ha.Url(controller, "/api/session"), body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return Assert.Single(response.Headers.GetValues("Set-Cookie")).Split(';')[0];
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string> logs)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < timeout, $"timed out after {timeout.TotalSeconds:F0} s waiting for {what}\n{logs()}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
