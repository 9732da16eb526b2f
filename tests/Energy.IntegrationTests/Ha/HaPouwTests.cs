using System.Net;
using System.Text;
using System.Text.Json;
using Energy.IntegrationTests.Support;
using static Energy.IntegrationTests.Agents.AgentsRig;

namespace Energy.IntegrationTests.Ha;

/// <summary>
/// PoUW jobs across a takeover, with two real <c>heatgrid controller --ha</c> processes on one PostgreSQL: a job registered
/// through the leader's API is shown by the standby (read-only: its PoUW writes are 503s naming the leader), and after the
/// leader is killed the new leader knows the job: the same header, batches logged for it, a second registration refused.
/// </summary>
public sealed class HaPouwTests
{
    private const string Weights = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string Register = $$"""
        {"tenant": "Acme AI", "job": "chat", "weightsRoot": "{{Weights}}", "m": 32, "n": 32, "k": 256, "rank": 8, "chunk": 64, "tilesPerTicket": 2}
        """;

    private const string HeaderPath = "/api/pouw/jobs/Acme%20AI/chat/header";

    [RequiresPostgresFact]
    public async Task JobRegisteredThroughTheLeader_ShownByTheStandby_KnownToTheNewLeaderAfterTheKill()
    {
        await using var ha = await HaRig.StartAsync();
        ha.StartController("a");
        await WaitAsync(async () => await ha.LeadersAsync() is ["a"], TimeSpan.FromSeconds(60), "controller a leading", ha.Logs);
        ha.StartController("b");
        await WaitAsync(async () => await ha.HaOfAsync("b") is { } b && b.GetProperty("role").GetString() == "standby"
            && b.GetProperty("leader").GetString() == "a", TimeSpan.FromSeconds(60), "b standing by, naming a as leader", ha.Logs);

        using (var refused = await PostAsync(ha, "b", "/api/pouw/jobs", Register))
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, body);
            Assert.Contains("\"leader\":\"a\"", body, StringComparison.Ordinal);
        }

        string header;
        using (var created = await PostAsync(ha, "a", "/api/pouw/jobs", Register))
        {
            header = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.Created, header + "\n" + ha.Logs());
        }

        using (var refused = await PostAsync(ha, "b", "/api/pouw/jobs/Acme%20AI/chat/batches", $$"""{"activationsRoot": "{{Weights}}"}"""))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        // The standby reads the leader's registry again within its poll: its read-only API shows the job.
        await WaitAsync(async () => (await GetAsync(ha, "b", HeaderPath)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(10),
            "the job shown by the standby", ha.Logs);

        ha.Controllers["a"].Signal("KILL");
        await WaitAsync(async () => await ha.LeadersAsync() is ["b"], TimeSpan.FromSeconds(30), "b leading", ha.Logs);

        var (status, taken) = await GetAsync(ha, "b", HeaderPath);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(Field(header, "headerHash"));
        Assert.Equal(Field(header, "headerHash"), Field(taken, "headerHash"));
        using (var logged = await PostAsync(ha, "b", "/api/pouw/jobs/Acme%20AI/chat/batches", $$"""{"activationsRoot": "{{Weights}}"}"""))
        {
            Assert.True(logged.StatusCode == HttpStatusCode.OK, await logged.Content.ReadAsStringAsync());
        }

        using (var again = await PostAsync(ha, "b", "/api/pouw/jobs", Register))
        {
            Assert.True(again.StatusCode == HttpStatusCode.Conflict, await again.Content.ReadAsStringAsync());
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HaRig ha, string controller, string path, string json) =>
        ha.Http.PostAsync(ha.Url(controller, path), new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HaRig ha, string controller, string path)
    {
        using var response = await ha.Http.GetAsync(ha.Url(controller, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string? Field(string json, string name)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty(name, out var value) ? value.ToString() : null;
    }
}
