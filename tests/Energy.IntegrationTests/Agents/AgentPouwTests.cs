using System.Net;
using System.Text;
using System.Text.Json;
using Energy.IntegrationTests.Support;
using static Energy.IntegrationTests.Agents.AgentsRig;

namespace Energy.IntegrationTests.Agents;

/// <summary>
/// A node mines PoUW in its mining workload: <c>heatgrid controller</c> with users and a real mosquitto, a tenant's job
/// registered with the root <c>heatgrid pouw weights</c> printed, and <c>heatgrid agent --simulate gpus:1 --pouw-api …</c>,
/// whose CPU miner (standing in for the simulated GPU) logs its batches and submits tickets through its outbox;
/// <c>/api/pouw</c> counts them verified, with their work units. Small shapes (m = n = 32, k = 256, rank 8, 2 tiles per
/// ticket) so the CPU mines many per second.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AgentPouwTests : IDisposable
{
    private const long WorkUnitsPerTicket = 32L * 32 * 256;
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-agent-pouw-").FullName;
    private readonly AgentsRig _rig;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public AgentPouwTests() => _rig = new AgentsRig(_folder);

    public void Dispose()
    {
        _http.Dispose();
        _rig.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [RequiresMosquittoFact]
    public async Task Agent_WithPouwJob_MinesOnTheCpu_TicketsVerifiedInTheProofLedger()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var site = _rig.WriteSite();
        var prices = _rig.WritePrices();
        var port = FreePort.Next();
        var data = Path.Combine(_folder, "data");
        var tenantKey = await HeatGridUsers.AddAsync(data, "tom", "tenant", "Acme AI");
        var agentKey = await HeatGridUsers.AddAsync(data, "n1-miner", "agent");
        _rig.Http.DefaultRequestHeaders.Add("X-Api-Key", agentKey);
        var nodeKeyFile = _rig.KeyFileOf("n1");     // written with the controller's agent-keys file
        var pouwKeyFile = Path.Combine(_folder, "pouw.key");
        await File.WriteAllTextAsync(pouwKeyFile, agentKey + "\n");
        File.SetUnixFileMode(pouwKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // The operator prints the weights root of seed 42 and registers the job with it.
        var (code, printed) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "pouw", "weights", "--seed", "42", "--n", "32", "--k", "256",
            "--rank", "8", "--m", "32", "--tenant", "Acme AI", "--job", "chat", "--tiles-per-ticket", "2");
        Assert.True(code == 0, printed);
        const string prefix = "register (POST /api/pouw/jobs): ";
        var body = printed.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();

        using var controller = HeatGridProcess.Start("controller", "--site", site, "--mqtt", broker.Uri(), "--http", $"127.0.0.1:{port}", "--data", data,
            "--prices", prices, "--agent-keys", _rig.ControllerKeys);
        HeatGridProcess? agent = null;
        string Logs() => $"controller:\n{controller.Output}\nagent:\n{agent?.Output}\nmosquitto:\n{broker.Log}";
        try
        {
            await WaitAsync(async () => (await SendAsync(HttpMethod.Get, port, "/api/pouw", tenantKey)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60),
                "the controller's API", Logs);
            var (registered, header) = await SendAsync(HttpMethod.Post, port, "/api/pouw/jobs", tenantKey, body);
            Assert.True(registered == HttpStatusCode.Created, header.ToString());

            agent = HeatGridProcess.Start("agent", "--node", "n1", "--site", site, "--mqtt", broker.Uri(), "--simulate", "gpus:1", "--key-file", nodeKeyFile,
                "--pouw-api", $"http://127.0.0.1:{port}", "--pouw-key-file", pouwKeyFile, "--pouw-job", "Acme AI/chat", "--pouw-weights-seed", "42",
                "--pouw-outbox", Path.Combine(_folder, "outbox"));
            await WaitAsync(() => _rig.AgentsFollowingAsync(port, "n1"), TimeSpan.FromSeconds(60), "the agent following", Logs);

            JsonElement acme = default;
            await WaitAsync(async () =>
            {
                var (status, view) = await SendAsync(HttpMethod.Get, port, "/api/pouw", tenantKey);
                acme = status == HttpStatusCode.OK ? view.GetProperty("tenants").EnumerateArray().FirstOrDefault() : default;
                return acme.ValueKind == JsonValueKind.Object && acme.GetProperty("ticketsVerified").GetInt64() >= 5;
            }, TimeSpan.FromSeconds(90), "5 tickets of the agent verified", Logs);

            var verified = acme.GetProperty("ticketsVerified").GetInt64();
            Assert.Equal("Acme AI", acme.GetProperty("tenant").GetString());
            Assert.Equal(verified * WorkUnitsPerTicket, acme.GetProperty("workUnits").GetInt64());
            Assert.True(acme.GetProperty("rejected").EnumerateObject().All(r => r.Name == "stale-job"), acme.ToString() + "\n" + Logs());

            // The agent said where its PoUW ran: on the CPU for its simulated GPU, and the controller logged its batches first.
            Assert.Contains("CPU PoUW", agent.Output, StringComparison.Ordinal);
            Assert.Contains("accepted by the controller", agent.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("not mining", agent.Output, StringComparison.Ordinal);
            var (_, agents) = await SendAsync(HttpMethod.Get, port, "/api/agents", agentKey);
            var n1 = agents.EnumerateArray().Single(a => a.GetProperty("node").GetString() == "n1");
            Assert.Contains("CPU PoUW", n1.GetProperty("backend").GetString(), StringComparison.Ordinal);

            // SIGTERM stops the agent cleanly with its PoUW loops.
            agent.Signal("TERM");
            Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(15)), Logs());
            Assert.True(agent.ExitCode == 0, Logs());
        }
        finally
        {
            agent?.Dispose();
        }
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, int port, string path, string key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri($"http://127.0.0.1:{port}{path}"));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        request.Headers.Add("X-Api-Key", key);
        try
        {
            using var response = await _http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
        catch (HttpRequestException)
        {
            return (0, default);
        }
    }
}
