using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Energy.IntegrationTests.Support;
using Xunit.Abstractions;
using static Energy.IntegrationTests.Agents.AgentsRig;

namespace Energy.IntegrationTests.Ha;

/// <summary>
/// Two controllers on one PostgreSQL (<c>--ha</c>), two agents, a real mosquitto: the leader is killed with SIGKILL and
/// the standby takes over; the database stops under a running leader. A monitor on the broker believes only what the
/// agents sign: the summed commanded power against the cap, and which epoch's batches each agent applied in which order.
/// </summary>
public sealed class HaControllersTests(ITestOutputHelper output)
{
    private const double CurtailedKw = BaseKw + 2.5;

    [RequiresPostgresFact]
    public async Task LeaderKilled_StandbyLeadsWithin15s_NoOldEpochAfterNew_CapHolds_StateCarriesOver_OldLeaderReturnsAsStandby()
    {
        await using var ha = await StartPairAsync();
        await WaitAsync(() => Task.FromResult(ha.Monitor.SiteKw > BaseKw + 2), TimeSpan.FromSeconds(30), "GPUs working", ha.Logs);
        Assert.Equal(["a"], await ha.LeadersAsync());

        // The standby serves reads and refuses writes, naming the leader.
        using (var refused = await PostCurtailAsync(ha.Http, ha.Url("b", "/api/dr/curtail"), "on-standby", CurtailedKw))
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, body);
            using var problem = JsonDocument.Parse(body);
            Assert.Equal("a", problem.RootElement.GetProperty("leader").GetString());
            Assert.Equal($"http://127.0.0.1:{ha.PortOf("a")}/api/dr/curtail", problem.RootElement.GetProperty("location").GetString());
        }

        // Through the leader: a curtailment and a policy change, both kept in the database.
        using (var curtailed = await PostCurtailAsync(ha.Http, ha.Url("a", "/api/dr/curtail"), "ha-curtail", CurtailedKw))
        {
            Assert.True(curtailed.StatusCode == HttpStatusCode.Accepted, await curtailed.Content.ReadAsStringAsync());
        }

        var version = (await ha.GetAsync("a", "/api/policy")).GetProperty("version").GetInt32();
        using (var put = await ha.Http.PutAsync(ha.Url("a", "/api/policy"), new StringContent(string.Create(CultureInfo.InvariantCulture,
            $$"""{"policy": {"maxImportPricePerMwh": 321}, "reason": "ha test", "baseVersion": {{version}}}"""), Encoding.UTF8, "application/json")))
        {
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        }

        await WaitAsync(() => Task.FromResult(ha.Monitor.SiteKw <= CurtailedKw + 1e-6), TimeSpan.FromSeconds(10), "the site under the curtailment", ha.Logs);
        var oldEpoch = (await ha.HaOfAsync("a"))!.Value.GetProperty("epoch").GetInt64();

        // The books: the leader keeps them in the database; the standby shows them from there (the leader's last checkpoint).
        await WaitAsync(async () => await GpuKwhAsync(ha, "b") > 0, TimeSpan.FromSeconds(15), "the leader's books seen by the standby", ha.Logs);
        var booked = await GpuKwhAsync(ha, "a");
        var bookedAt = Stopwatch.StartNew();
        Assert.InRange(await GpuKwhAsync(ha, "b"), 1e-9, booked + 1e-9);

        // SIGKILL: no release, no goodbye; the standby must find out from the database alone.
        var killed = Stopwatch.StartNew();
        ha.Controllers["a"].Signal("KILL");
        await WaitAsync(() => Task.FromResult(ha.FirstAppliedAbove(oldEpoch) is not null), TimeSpan.FromSeconds(30), "a batch of a newer epoch applied", ha.Logs);
        var takeover = killed.Elapsed;
        output.WriteLine($"takeover: {takeover.TotalSeconds:F2} s from SIGKILL to the first batch of the new epoch applied by an agent");
        Assert.True(takeover < TimeSpan.FromSeconds(15), $"takeover took {takeover.TotalSeconds:F1} s\n{ha.Logs()}");

        var b = (await ha.HaOfAsync("b"))!.Value;
        Assert.Equal("leader", b.GetProperty("role").GetString());
        var newEpoch = b.GetProperty("epoch").GetInt64();
        Assert.True(newEpoch > oldEpoch, $"new epoch {newEpoch} is not above {oldEpoch}");
        Assert.Equal(newEpoch, ha.FirstAppliedAbove(oldEpoch)!.Epoch);
        Assert.Equal("b", b.GetProperty("lastMove").GetProperty("leader").GetString());
        Assert.Equal("a", b.GetProperty("lastMove").GetProperty("previous").GetString());

        // What was made through the old leader is in force under the new one.
        var curtailments = await ha.GetAsync("b", "/api/dr/curtailments");
        Assert.Contains(curtailments.EnumerateArray(), c => c.GetProperty("id").GetString() == "ha-curtail");
        var evidence = await ha.GetAsync("b", "/api/dr/events");                         // the DR evidence too: kept in the database
        Assert.Single(evidence.EnumerateArray(), e => e.GetProperty("node").GetString() == "controller" && e.GetProperty("id").GetString() == "ha-curtail");
        var policy = await ha.GetAsync("b", "/api/policy");
        Assert.Equal((version + 1, 321.0), (policy.GetProperty("version").GetInt32(), policy.GetProperty("policy").GetProperty("maxImportPricePerMwh").GetDouble()));
        await WaitAsync(() => ha.Rig.AgentsFollowingAsync(ha.PortOf("b"), "n1", "n2"), TimeSpan.FromSeconds(30), "both agents following b", ha.Logs);
        await WaitAsync(() => Task.FromResult(ha.Monitor.SiteKw <= CurtailedKw + 1e-6), TimeSpan.FromSeconds(10), "the site under the curtailment with b", ha.Logs);
        await WaitAsync(async () => (await ha.GetAsync("b", "/api/dr/events")).EnumerateArray().Any(e => e.GetProperty("id").GetString() == "ha-curtail"
            && e.GetProperty("powerObservedAt").ValueKind == JsonValueKind.String), TimeSpan.FromSeconds(10), "the curtailment's power observed down, in b's evidence", ha.Logs);

        // The new leader goes on from the old one's last checkpoint: nothing lost, nothing counted twice.
        await WaitAsync(async () => await GpuKwhAsync(ha, "b") > booked, TimeSpan.FromSeconds(20), "the new leader's books past the old one's", ha.Logs);
        var after = await GpuKwhAsync(ha, "b");
        var most = booked + ((CurtailedKw - BaseKw) * 1.1 * bookedAt.Elapsed.TotalHours);   // the GPUs draw at most the curtailed cap less the base load
        output.WriteLine($"GPU energy booked: {booked * 1000:F3} Wh by a before the kill, {after * 1000:F3} Wh by b {bookedAt.Elapsed.TotalSeconds:F0} s later (at most {most * 1000:F3} Wh)");
        Assert.True(after <= most, $"b booked {after} kWh, more than {most} kWh (the old leader's {booked} kWh counted twice?)\n{ha.Logs()}");

        // The takeover is an audit entry.
        var audit = await ha.GetAsync("b", "/api/audit");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("what").GetString() == "ha.takeover");

        // The old leader comes back and stays standby.
        ha.StartController("a");
        await WaitAsync(async () => await ha.HaOfAsync("a") is { } a && a.GetProperty("role").GetString() == "standby"
            && a.GetProperty("leader").GetString() == "b", TimeSpan.FromSeconds(60), "a back as a standby", ha.Logs);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(["b"], await ha.LeadersAsync());
        Assert.Equal(newEpoch, (await ha.HaOfAsync("b"))!.Value.GetProperty("epoch").GetInt64());
        var status = await ha.GetAsync("a", "/api/status");
        Assert.Equal(("standby", "b"), (status.GetProperty("ha").GetProperty("role").GetString(), status.GetProperty("ha").GetProperty("leader").GetString()));
        Assert.Contains(status.GetProperty("explanations").EnumerateArray(), e => e.GetString()!.StartsWith("standby: b leads", StringComparison.Ordinal));
        await DashboardShowsAsync(ha, newEpoch);

        // Throughout: never over the cap, never an older epoch's batch after a newer one, never the safe state.
        Assert.True(ha.Monitor.MaxKw > CurtailedKw - 0.5, $"the cap never bound (max {ha.Monitor.MaxKw:F2} kW)\n{ha.Logs()}");
        Assert.True(ha.Monitor.Violations.IsEmpty, $"cap exceeded: {string.Join("; ", ha.Monitor.Violations.Take(5))}\n{ha.Logs()}");
        Assert.True(ha.OlderAppliedAfterNewer() is [], $"{string.Join("; ", ha.OlderAppliedAfterNewer())}\n{ha.Logs()}");
        Assert.Equal(0, ha.Monitor.Unverified);
        foreach (var (node, agent) in ha.Agents)
        {
            Assert.False(agent.Output.Contains("GPUs went to the safe state", StringComparison.Ordinal), $"{node} reached the safe state\n{ha.Logs()}");
        }
    }

    [RequiresPostgresFact]
    public async Task DatabaseStopped_LeaderStopsWithinLease_AgentsHoldThenSafeState_OneLeaderResumes()
    {
        await using var ha = await StartPairAsync();
        var oldEpoch = (await ha.HaOfAsync("a"))!.Value.GetProperty("epoch").GetInt64();

        await ha.Postgres.StopAsync();
        var stopped = DateTimeOffset.UtcNow;
        await WaitAsync(() => Task.FromResult(ha.Controllers["a"].Output.Contains("stopped leading", StringComparison.Ordinal)), TimeSpan.FromSeconds(10),
            "a saying it stopped leading", ha.Logs);

        // Agents hold the last batch until it runs out, then the safe state.
        await WaitAsync(() => Task.FromResult(ha.Agents.Values.All(a => a.Output.Contains("GPUs went to the safe state", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30), "agents' dead-man", ha.Logs);
        var lastApplied = ha.Monitor.Acks.Where(x => x.Refusal is null).Max(x => x.At);
        output.WriteLine($"last batch applied {(lastApplied - stopped).TotalSeconds:F2} s after the database stopped (lease {3} s)");
        Assert.True(lastApplied - stopped < TimeSpan.FromSeconds(3), $"a batch was applied {(lastApplied - stopped).TotalSeconds:F1} s after the database stopped\n{ha.Logs()}");
        Assert.Empty(await ha.LeadersAsync());
        var appliedWhileDown = ha.Monitor.Acks.Count(x => x.Refusal is null);

        // Back: exactly one leader, with a newer epoch; the agents follow it.
        await ha.Postgres.RestartAsync();
        await WaitAsync(async () => await ha.LeadersAsync() is [_], TimeSpan.FromSeconds(30), "one leader again", ha.Logs);
        var leader = (await ha.LeadersAsync())[0];
        await WaitAsync(() => ha.Rig.AgentsFollowingAsync(ha.PortOf(leader), "n1", "n2"), TimeSpan.FromSeconds(40), "agents following the leader again", ha.Logs);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal([leader], await ha.LeadersAsync());
        Assert.True((await ha.HaOfAsync(leader))!.Value.GetProperty("epoch").GetInt64() > oldEpoch);
        Assert.True(ha.Monitor.Acks.Count(x => x.Refusal is null) > appliedWhileDown);
        Assert.True(ha.Monitor.Violations.IsEmpty, $"cap exceeded: {string.Join("; ", ha.Monitor.Violations.Take(5))}\n{ha.Logs()}");
        Assert.True(ha.OlderAppliedAfterNewer() is [], $"{string.Join("; ", ha.OlderAppliedAfterNewer())}\n{ha.Logs()}");
    }

    /// <summary>Controller a leading, b standing by and naming a, both agents following a.</summary>
    /// <summary>The GPU energy in a controller's ledger (its closed slots and the one in progress), kWh.</summary>
    private static async Task<double> GpuKwhAsync(HaRig ha, string controller)
    {
        var now = TimeProvider.System.GetUtcNow();
        var slots = await ha.GetAsync(controller, $"/api/ledger?from={Uri.EscapeDataString(now.AddDays(-1).ToString("o", CultureInfo.InvariantCulture))}"
            + $"&to={Uri.EscapeDataString(now.AddDays(1).ToString("o", CultureInfo.InvariantCulture))}");
        return slots.EnumerateArray().Sum(s => s.GetProperty("site").GetProperty("gpuKwh").GetDouble());
    }

    private static async Task<HaRig> StartPairAsync()
    {
        Assert.Null(MosquittoBroker.Missing);
        var ha = await HaRig.StartAsync();
        ha.StartController("a");
        await WaitAsync(async () => await ha.LeadersAsync() is ["a"], TimeSpan.FromSeconds(60), "controller a leading", ha.Logs);
        ha.StartController("b");
        ha.StartAgent("n1");
        ha.StartAgent("n2");
        await WaitAsync(() => ha.Rig.AgentsFollowingAsync(ha.PortOf("a"), "n1", "n2"), TimeSpan.FromSeconds(60), "both agents following a", ha.Logs);
        await WaitAsync(async () => await ha.HaOfAsync("b") is { } b && b.GetProperty("role").GetString() == "standby"
            && b.GetProperty("leader").GetString() == "a", TimeSpan.FromSeconds(60), "b standing by, naming a as leader", ha.Logs);
        return ha;
    }

    /// <summary>Each controller's page, in headless Chromium, says what it is: the leader with its epoch, the standby with who leads.</summary>
    private async Task DashboardShowsAsync(HaRig ha, long epoch)
    {
        if (!File.Exists(RequiresChromiumFactAttribute.Chromium))
        {
            Assert.False(ExternalTool.InCi, $"{RequiresChromiumFactAttribute.Chromium} is missing (ops/test.sh installs it)");
            output.WriteLine("chromium missing: the dashboard part was not checked");
            return;
        }

        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = RequiresChromiumFactAttribute.Chromium, Headless = true,
            Args = Energy.IntegrationTests.Dashboard.DashboardSite.ChromiumArgs });
        foreach (var (name, text) in new[] { ("b", $"Leader (epoch {epoch})"), ("a", $"Standby: b leads (epoch {epoch})") })
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(ha.Url(name, "/").ToString());
            await Microsoft.Playwright.Assertions.Expect(page.Locator("#ha .ha-role")).ToHaveTextAsync(text, new() { Timeout = 10_000 });
            await Microsoft.Playwright.Assertions.Expect(page.Locator("#ha")).ToContainTextAsync("leadership moved", new() { Timeout = 5_000 });
            await page.CloseAsync();
        }
    }

    private static async Task<HttpResponseMessage> PostCurtailAsync(HttpClient http, Uri url, string id, double targetKw)
    {
        using var body = new StringContent(string.Create(CultureInfo.InvariantCulture,
            $"{{\"id\":\"{id}\",\"targetKw\":{targetKw},\"durationSeconds\":600,\"reason\":\"ha test\"}}"), Encoding.UTF8, "application/json");
        return await http.PostAsync(url, body);
    }
}
