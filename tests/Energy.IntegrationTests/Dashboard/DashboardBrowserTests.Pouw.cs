using System.Net;
using System.Text;
using System.Text.Json;
using Energy.Gpu.Pouw;
using Energy.IntegrationTests.Support;
using Energy.TestSupport.Pouw;
using Microsoft.Playwright;

namespace Energy.IntegrationTests.Dashboard;

/// <summary>
/// The "Proof of work" view against the real run: empty at first, then, after an operator registers two tenants' jobs and an
/// agent logs a batch and submits two tickets mined by the CPU reference and one forged, the proof ledger per tenant, the
/// rejected reason, the jobs and the pricing basis, without a reload; a tenant's session sees only its own tenant; the API's
/// error is shown, not swallowed.
/// </summary>
public sealed partial class DashboardBrowserTests
{
    private const int PouwM = 32;
    private const int PouwN = 32;
    private const int PouwK = 256;
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [RequiresChromiumFact]
    public async Task Pouw_ThePanelShowsTheLedgerPerTenant_RejectedReason_Jobs_Pricing_ATenantSeesOnlyItsOwn()
    {
        var (context, page, errors) = await site.OpenAsync();
        await using var _ = context;
        await site.LoginAsync(context, "operator");
        await page.GotoAsync("/#/pouw");
        await Assertions.Expect(page.Locator("#pouw-empty")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#pouw-empty")).ToContainTextAsync("No PoUW jobs registered");
        await Assertions.Expect(page.Locator("#pouw-empty")).ToContainTextAsync("POST /api/pouw/jobs");
        await Assertions.Expect(page.Locator("#pouw-pricing")).ToContainTextAsync("0.0011 EUR per ticket");

        // The operator registers Acme AI's job and another tenant's; the agent logs the batches that gave tickets and submits them.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var weights = PouwMatrix(1, PouwN);
        var (created, body) = await PouwSendAsync(http, "/api/pouw/jobs", "operator", $$"""
            {"tenant": "Acme AI", "job": "chat", "weightsRoot": "{{Convert.ToHexStringLower(PouwMerkle.RootOf(weights, PouwN, PouwK))}}",
             "m": {{PouwM}}, "n": {{PouwN}}, "k": {{PouwK}}, "rank": 8, "chunk": 64, "tilesPerTicket": 2}
            """);
        Assert.True(created == HttpStatusCode.Created, body.ToString());
        var header = JsonSerializer.Deserialize<PouwHeaderDocument>(body.GetRawText(), Web)!;
        Assert.True(header.TryTo(out var h0, out var error), error);
        var (other, otherBody) = await PouwSendAsync(http, "/api/pouw/jobs", "operator", $$"""
            {"tenant": "Other Lab", "job": "vision", "weightsRoot": "{{new string('a', 64)}}", "m": 16, "n": 16, "k": 128, "rank": 8, "tilesPerTicket": 4}
            """);
        Assert.True(other == HttpStatusCode.Created, otherBody.ToString());

        var tickets = new List<PouwTicket>();
        for (var seed = 100; tickets.Count < 2 && seed < 300; seed++)
        {
            var mined = PouwCpuMiner.Mine(PouwMatrix(seed, PouwM), weights, h0!);
            if (mined.Tickets.Count > 0)
            {
                var (logged, _) = await PouwSendAsync(http, "/api/pouw/jobs/Acme%20AI/chat/batches", "agent",
                    $$"""{"activationsRoot": "{{Convert.ToHexStringLower(mined.ActivationsRoot)}}"}""");
                Assert.Equal(HttpStatusCode.OK, logged);
                tickets.AddRange(mined.Tickets);
            }
        }

        Assert.True(tickets.Count >= 2, "200 batches gave fewer than 2 tickets");
        foreach (var ticket in tickets.Take(2))
        {
            var (s, answer) = await PouwSendAsync(http, "/api/pouw/tickets", "agent", ticket.ToJson());
            Assert.True(s == HttpStatusCode.OK && answer.GetProperty("accepted").GetBoolean(), answer.ToString());
        }

        // Random weights with their own root under the job's header: well made, but not of the tenant's model.
        var randomW = PouwMatrix(99, PouwN);
        var forgedHeader = h0! with { WeightsRoot = PouwMerkle.RootOf(randomW, PouwN, PouwK) };
        var forged = Enumerable.Range(500, 200).Select(seed => PouwCpuMiner.Mine(PouwMatrix(seed, PouwM), randomW, forgedHeader)).First(r => r.Tickets.Count > 0).Tickets[0];
        var (forgedStatus, refused) = await PouwSendAsync(http, "/api/pouw/tickets", "agent", forged.ToJson());
        Assert.Equal((HttpStatusCode.OK, "wrong-weights-root"), (forgedStatus, refused.GetProperty("reason").GetString()));

        // The open page reads the ledger again with the slow panels (every tenth tick): no reload.
        var acme = page.Locator("#pouw-tenants tbody tr[data-tenant='Acme AI']");
        var wait = new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 };
        await Assertions.Expect(acme.Locator("td[data-label='Verified']")).ToHaveTextAsync("2", wait);
        await Assertions.Expect(acme.Locator("td[data-label='Tickets found']")).ToHaveTextAsync("3");
        await Assertions.Expect(acme.Locator("td[data-label='Useful work']")).ToHaveTextAsync("524.3 k multiply-adds");   // 2 × 32·32·256
        await Assertions.Expect(acme.Locator("td[data-label='Revenue']")).ToHaveTextAsync("0.0022 EUR");
        await Assertions.Expect(acme.Locator("td[data-label='Rejected']")).ToHaveTextAsync("wrong weights root: 1");
        await Assertions.Expect(page.Locator("#pouw-tenants tbody tr[data-tenant='Other Lab'] td[data-label='Tickets found']")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("#pouw-empty")).ToBeHiddenAsync();
        var job = page.Locator("#pouw-jobs tbody tr[data-job='Acme AI/chat']");
        await Assertions.Expect(job.Locator("td[data-label='Shape m×n×k']")).ToHaveTextAsync("32×32×256");
        await Assertions.Expect(job.Locator("td[data-label='Rank']")).ToHaveTextAsync("8");
        await Assertions.Expect(job.Locator("td[data-label='Tile']")).ToHaveTextAsync("16×16");
        await Assertions.Expect(job.Locator("td[data-label='Header']")).ToHaveTextAsync("#0");      // both tickets within a header period of the registration
        await Assertions.Expect(job.Locator("td[data-label='Tiles per ticket']")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("#pouw-jobs tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#pouw-error")).ToBeEmptyAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardSite.Artifacts, "pouw-desktop-1280x800.png"), FullPage = true });
        Assert.True(errors.Count == 0, "console or page errors:\n" + string.Join('\n', errors));

        // The API's refusal is shown under the last figures, which stay.
        await page.RouteAsync("**/api/pouw", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 503,
            ContentType = "application/problem+json",
            Body = """{"title":"Service Unavailable","status":503,"detail":"the proof ledger could not be read: disk I/O error"}""",
        }));
        await page.GotoAsync("/#/");
        await page.GotoAsync("/#/pouw");
        await Assertions.Expect(page.Locator("#pouw-error")).ToHaveTextAsync("The proof ledger could not be read (503): the proof ledger could not be read: disk I/O error");
        await Assertions.Expect(acme.Locator("td[data-label='Verified']")).ToHaveTextAsync("2");
        Assert.All(errors, e => Assert.Contains("503", e, StringComparison.Ordinal));   // the refused request's own line, nothing else

        // A tenant's session: its own tenant and job only, and nothing of the views it may not read breaks the page.
        var (tenantContext, tenantPage, tenantErrors) = await site.OpenAsync();
        await using var __ = tenantContext;
        await site.LoginAsync(tenantContext, "tenant");
        await tenantPage.GotoAsync("/#/pouw");
        await Assertions.Expect(tenantPage.Locator("#pouw-tenants tbody tr[data-tenant='Acme AI'] td[data-label='Verified']")).ToHaveTextAsync("2");
        await Assertions.Expect(tenantPage.Locator("#pouw-tenants tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(tenantPage.Locator("#pouw-jobs tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(tenantPage.Locator("#pouw-jobs tbody tr[data-job='Acme AI/chat']")).ToHaveCountAsync(1);
        await Assertions.Expect(tenantPage.Locator("#pouw-error")).ToBeEmptyAsync();
        Assert.DoesNotContain("Other Lab", await tenantPage.Locator("section[data-view='pouw']").TextContentAsync() ?? string.Empty, StringComparison.Ordinal);
        Assert.True(tenantErrors.Count == 0, "console or page errors:\n" + string.Join('\n', tenantErrors));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PouwSendAsync(HttpClient http, string path, string role, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(site.BaseUrl + path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", site.Keys[role]);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>rows×k int8 values in −100…100 from a seeded generator (rank-8 noise keeps them within the operand bounds).</summary>
    private static sbyte[] PouwMatrix(int seed, int rows) => PouwTestOperands.Matrix(seed, rows, PouwK);
}
