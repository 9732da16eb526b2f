using System.Net;
using System.Text;
using System.Text.Json;
using Energy.Gpu.Pouw;
using Energy.IntegrationTests.Support;
using Energy.TestSupport.Pouw;

namespace Energy.IntegrationTests.Pouw;

/// <summary>
/// Proof of useful work on a real <c>heatgrid run --demo</c> with users, over HTTP: a tenant registers its job, an agent logs a
/// batch and submits tickets mined by the CPU reference miner and a forged one; <c>/api/pouw</c> counts them, and after
/// SIGTERM and a restart still does; a broken jobs.json stops the next start.
/// </summary>
public sealed class RunPouwTests : IDisposable
{
    private const int M = 32;
    private const int N = 32;
    private const int K = 256;
    private const int BigK = 4096;
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-pouw-run-").FullName;
    private readonly HeatGridRunRig _rig;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public RunPouwTests() => _rig = new HeatGridRunRig(_folder);

    public void Dispose()
    {
        _http.Dispose();
        _rig.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Run_TenantRegisters_AgentLogsAndSubmits_MinedAcceptedForgedRefused_CountedAcrossARestart()
    {
        var tenant = await HeatGridUsers.AddAsync(_rig.Data, "tom", "tenant", "Acme AI");
        var agent = await HeatGridUsers.AddAsync(_rig.Data, "gpu1", "agent");
        _rig.Http.DefaultRequestHeaders.Add("X-Api-Key", agent);     // the rig's own reads (/api/status): an agent reads as a viewer
        var weights = Matrix(1, N);
        int accepted;
        long workUnits;
        PouwTicket kept;

        using (var first = _rig.Start("--demo"))
        {
            await _rig.WaitForStatusAsync(first);
            var (status, body) = await SendAsync(HttpMethod.Post, "/api/pouw/jobs", tenant, $$"""
                {"tenant": "Acme AI", "job": "chat", "weightsRoot": "{{Convert.ToHexStringLower(PouwMerkle.RootOf(weights, N, K))}}",
                 "m": {{M}}, "n": {{N}}, "k": {{K}}, "rank": 8, "chunk": 64, "tilesPerTicket": 2}
                """);
            Assert.True(status == HttpStatusCode.Created, body.ToString());
            var header = Header(body);

            // Batches until three tickets: each batch that gave one is logged by the agent first, as the inference server would.
            var tickets = new List<PouwTicket>();
            for (var seed = 100; tickets.Count < 3 && seed < 300; seed++)
            {
                var mined = PouwCpuMiner.Mine(Matrix(seed, M), weights, header);
                if (mined.Tickets.Count > 0)
                {
                    var (logged, _) = await SendAsync(HttpMethod.Post, "/api/pouw/jobs/Acme%20AI/chat/batches", agent,
                        $$"""{"activationsRoot": "{{Convert.ToHexStringLower(mined.ActivationsRoot)}}"}""");
                    Assert.Equal(HttpStatusCode.OK, logged);
                    tickets.AddRange(mined.Tickets);
                }
            }

            Assert.True(tickets.Count >= 3, "200 batches gave fewer than 3 tickets");
            kept = tickets[2];
            accepted = 0;
            foreach (var ticket in tickets.Take(2))
            {
                var (s, answer) = await SendAsync(HttpMethod.Post, "/api/pouw/tickets", agent, ticket.ToJson());
                Assert.Equal(HttpStatusCode.OK, s);
                Assert.True(answer.GetProperty("accepted").GetBoolean(), answer.ToString());
                Assert.Equal((long)M * N * K, answer.GetProperty("workUnits").GetInt64());
                accepted++;
            }

            // Random weights with their own root under the job's header: the ticket is well made, but not of the tenant's model.
            var randomW = Matrix(99, N);
            var forgedHeader = header with { WeightsRoot = PouwMerkle.RootOf(randomW, N, K) };
            var forged = Enumerable.Range(500, 200).Select(seed => PouwCpuMiner.Mine(Matrix(seed, M), randomW, forgedHeader)).First(r => r.Tickets.Count > 0).Tickets[0];
            var (forgedStatus, refused) = await SendAsync(HttpMethod.Post, "/api/pouw/tickets", agent, forged.ToJson());
            Assert.Equal(HttpStatusCode.OK, forgedStatus);
            Assert.Equal((false, "wrong-weights-root"), (refused.GetProperty("accepted").GetBoolean(), refused.GetProperty("reason").GetString()));
            var (tenantSubmits, _) = await SendAsync(HttpMethod.Post, "/api/pouw/tickets", tenant, tickets[0].ToJson());
            Assert.Equal(HttpStatusCode.Forbidden, tenantSubmits);

            // A ticket over the API's usual 64 KiB body limit: one 16×16 tile at k = 4096 is 128 KiB of rows (every tile wins at 1 tile per ticket).
            var bigW = Matrix(7, 16, BigK);
            var (bigStatus, bigBody) = await SendAsync(HttpMethod.Post, "/api/pouw/jobs", tenant, $$"""
                {"tenant": "Acme AI", "job": "big", "weightsRoot": "{{Convert.ToHexStringLower(PouwMerkle.RootOf(bigW, 16, BigK))}}",
                 "m": 16, "n": 16, "k": {{BigK}}, "rank": 8, "tilesPerTicket": 1}
                """);
            Assert.True(bigStatus == HttpStatusCode.Created, bigBody.ToString());
            var big = PouwCpuMiner.Mine(Matrix(8, 16, BigK), bigW, Header(bigBody));
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/api/pouw/jobs/Acme%20AI/big/batches", agent,
                $$"""{"activationsRoot": "{{Convert.ToHexStringLower(big.ActivationsRoot)}}"}""")).Status);
            var bigJson = Assert.Single(big.Tickets).ToJson();
            Assert.True(bigJson.Length > 2 * 65536, $"{bigJson.Length} characters");
            var (bigSubmitted, bigAnswer) = await SendAsync(HttpMethod.Post, "/api/pouw/tickets", agent, bigJson);
            Assert.True(bigSubmitted == HttpStatusCode.OK && bigAnswer.GetProperty("accepted").GetBoolean(), bigAnswer.ToString());
            accepted++;
            workUnits = (2L * M * N * K) + (16L * 16 * BigK);

            await AssertCountedAsync(tenant, accepted, workUnits);
            HeatGridRunRig.StopCleanly(first);
        }

        using (var second = _rig.Start("--demo"))
        {
            await _rig.WaitForStatusAsync(second);
            await AssertCountedAsync(tenant, accepted, workUnits);
            var (_, header) = await SendAsync(HttpMethod.Get, "/api/pouw/jobs/Acme%20AI/chat/header", tenant);
            Assert.Equal(0, header.GetProperty("sequence").GetInt32());      // within a header period of the registration

            // jobs.json kept the logged batches: the third ticket, held back, is accepted by the restarted controller.
            var (keptStatus, keptAnswer) = await SendAsync(HttpMethod.Post, "/api/pouw/tickets", agent, kept.ToJson());
            Assert.True(keptStatus == HttpStatusCode.OK && keptAnswer.GetProperty("accepted").GetBoolean(), keptAnswer.ToString());
            HeatGridRunRig.StopCleanly(second);
        }

        var jobs = Path.Combine(_rig.Data, "pouw", "jobs.json");
        await File.WriteAllTextAsync(jobs, "{ broken");
        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "run", "--site", _rig.SitePath, "--http", $"127.0.0.1:{FreePort.Next()}",
            "--data", _rig.Data, "--mqtt-listen", $"127.0.0.1:{FreePort.Next()}", "--demo");
        Assert.Equal(2, code);
        Assert.Contains(jobs, output, StringComparison.Ordinal);
        Assert.Equal("{ broken", await File.ReadAllTextAsync(jobs));
    }

    private async Task AssertCountedAsync(string tenantKey, int accepted, long workUnits)
    {
        var (status, view) = await SendAsync(HttpMethod.Get, "/api/pouw", tenantKey);
        Assert.Equal(HttpStatusCode.OK, status);
        var acme = Assert.Single(view.GetProperty("tenants").EnumerateArray());
        Assert.Equal(("Acme AI", accepted + 1, accepted, workUnits, 1),
            (acme.GetProperty("tenant").GetString(), acme.GetProperty("ticketsFound").GetInt32(), acme.GetProperty("ticketsVerified").GetInt32(),
             acme.GetProperty("workUnits").GetInt64(), acme.GetProperty("rejected").GetProperty("wrong-weights-root").GetInt32()));
        Assert.Equal(Math.Round(accepted * 0.0011, 9), acme.GetProperty("revenue").GetDouble(), 9);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, _rig.Url(path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        request.Headers.Add("X-Api-Key", key);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static PouwHeader Header(JsonElement body)
    {
        var document = JsonSerializer.Deserialize<PouwHeaderDocument>(body.GetRawText(), Web)!;
        Assert.True(document.TryTo(out var header, out var error), error);
        return header!;
    }

    /// <summary>rows×k int8 values in −100…100 from a seeded generator (rank 8 leaves −120…119).</summary>
    private static sbyte[] Matrix(int seed, int rows, int k = K) => PouwTestOperands.Matrix(seed, rows, k);
}
