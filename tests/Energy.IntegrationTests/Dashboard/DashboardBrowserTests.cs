using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Energy.IntegrationTests.Support;
using Microsoft.Playwright;

namespace Energy.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard at / in real headless Chromium against a real <c>heatgrid run --demo</c> with users: no console errors,
/// the live import within 2 s and updating, the plan chart over the next 24 h, the policy form for an operator only, an
/// operator's price limit change reaching the plan and the audit page, and screenshots at desktop and phone width
/// (artifacts/test-results/dashboard).
/// </summary>
public sealed partial class DashboardBrowserTests(DashboardSite site) : IClassFixture<DashboardSite>
{
    private static readonly TimeSpan LiveWithin = TimeSpan.FromSeconds(2);

    [RequiresChromiumFact]
    public async Task Page_Viewer_NoConsoleErrors_LiveImportWithin2s_AndItUpdates()
    {
        var (context, page, errors) = await site.OpenAsync();
        await using var _ = context;
        await site.LoginAsync(context, "viewer");

        var clock = Stopwatch.StartNew();
        await page.GotoAsync("/");
        var import = page.Locator("#import-now");
        await Assertions.Expect(import).ToHaveTextAsync(Number(), new() { Timeout = (float)LiveWithin.TotalMilliseconds });
        var shownAfter = clock.Elapsed;
        Assert.True(shownAfter <= LiveWithin, $"the live import appeared {shownAfter.TotalMilliseconds:0} ms after the page was asked for");
        var kw = double.Parse((await import.GetAttributeAsync("data-kw"))!, CultureInfo.InvariantCulture);
        var cap = await site.Rig.GetAsync("/api/status");
        Assert.InRange(kw, 0, cap.GetProperty("gridImportCapKw").GetDouble() * 2);

        // Updates: the next control ticks arrive over /api/events and move the tick's timestamp on.
        var first = DateTimeOffset.Parse((await page.Locator("#tick").GetAttributeAsync("data-tick"))!, CultureInfo.InvariantCulture);
        var later = await WaitForAsync(async () =>
        {
            var tick = DateTimeOffset.Parse((await page.Locator("#tick").GetAttributeAsync("data-tick"))!, CultureInfo.InvariantCulture);
            return tick > first ? tick : (DateTimeOffset?)null;
        }, TimeSpan.FromSeconds(6));
        Assert.True(later > first, $"the tick stayed at {first:o}");
        Assert.Equal("live", await page.Locator("#live-state").TextContentAsync());
        var ticks = int.Parse((await page.Locator("#live-state").GetAttributeAsync("data-ticks"))!, CultureInfo.InvariantCulture);
        Assert.True(ticks >= 2, $"{ticks} statuses reached the page");

        // Every view of a viewer, once, then the errors of the whole visit.
        foreach (var view in new[] { "plan", "fleet", "signals", "history", "pouw", "" })
        {
            await page.GotoAsync("/#/" + view);
            await page.WaitForTimeoutAsync(300);
        }

        await Assertions.Expect(page.Locator("#history-note")).ToContainTextAsync("ledger slots");
        Assert.True(errors.Count == 0, "console or page errors:\n" + string.Join('\n', errors) + "\n" + Tail(site.Output));
    }

    [RequiresChromiumFact]
    public async Task PlanChart_HasTheNext24Hours()
    {
        var (context, page, errors) = await site.OpenAsync();
        await using var _ = context;
        await site.LoginAsync(context, "viewer");
        await page.GotoAsync("/#/plan");
        var chart = page.Locator("#plan-chart");
        await Assertions.Expect(chart).Not.ToHaveAttributeAsync("data-slots", "0");
        await Assertions.Expect(chart.Locator("canvas")).ToHaveCountAsync(1);

        var now = DateTimeOffset.UtcNow;
        var firstSlot = DateTimeOffset.Parse((await chart.GetAttributeAsync("data-first-slot"))!, CultureInfo.InvariantCulture);
        var lastSlot = DateTimeOffset.Parse((await chart.GetAttributeAsync("data-last-slot"))!, CultureInfo.InvariantCulture);
        Assert.True(firstSlot <= now, $"the plan's first slot {firstSlot:o} is after now {now:o}");
        Assert.True(lastSlot >= now.AddHours(23), $"the plan's last slot {lastSlot:o} is before now + 23 h ({now.AddHours(23):o})");

        // The chart was given the plan the API serves, slot for slot, and the slots table shows their explanations.
        var plan = await site.Rig.GetAsync("/api/plan");
        var slots = plan.GetProperty("slots");
        Assert.Equal(slots.GetArrayLength().ToString(CultureInfo.InvariantCulture), await chart.GetAttributeAsync("data-slots"));
        Assert.Equal(slots[0].GetProperty("start").GetDateTimeOffset(), firstSlot);
        var explanation = slots[0].GetProperty("explanations")[0].GetString()!;
        await Assertions.Expect(page.Locator("#plan-slots")).ToContainTextAsync(explanation);
        Assert.True(errors.Count == 0, "console or page errors:\n" + string.Join('\n', errors));
    }

    [RequiresChromiumFact]
    public async Task Viewer_LogsInThroughTheForm_SeesNoPolicyForm_AndItsPutIs403()
    {
        var (context, page, _) = await site.OpenAsync();
        await using var __ = context;
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#app")).ToBeHiddenAsync();

        await page.Locator("#login-key").FillAsync("hg_0000000000000000_" + new string('0', 64));
        await page.Locator("#login-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#login-error")).ToContainTextAsync("refused");

        await page.Locator("#login-key").FillAsync(site.Keys["viewer"]);
        await page.Locator("#login-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#app")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync("vic (viewer)");
        await Assertions.Expect(page.Locator("#import-now")).ToHaveTextAsync(Number());

        await page.GotoAsync("/#/policy");
        await Assertions.Expect(page.Locator("#policy-form")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#nav a[data-view=policy]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#audit-table")).ToHaveCountAsync(0);

        // Straight at the API: with the page's own session and CSRF token, and with the viewer's key.
        var status = await page.EvaluateAsync<int>("""
            async () => {
              const s = await (await fetch('/api/session')).json();
              const r = await fetch('/api/policy', { method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrfToken },
                body: JSON.stringify({ policy: { maxImportPricePerMwh: 1 }, reason: 'viewer tries' }) });
              return r.status;
            }
            """);
        Assert.Equal(403, status);
        using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(site.BaseUrl + "/api/policy"))
        {
            Content = new StringContent("""{"policy":{"maxImportPricePerMwh":1},"reason":"viewer tries"}""", Encoding.UTF8, "application/json"),
        };
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", site.Keys["viewer"]);
        using var http = new HttpClient();
        using var refused = await http.SendAsync(put);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // Logging out ends the session: the page asks for a key again, and the cookie reads nothing.
        await page.Locator("#logout").ClickAsync();
        await Assertions.Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        Assert.Equal(401, await page.EvaluateAsync<int>("async () => (await fetch('/api/status')).status"));
    }

    [RequiresChromiumFact]
    public async Task Operator_ChangesThePriceLimit_TheNewPlanAndTheAuditEntryAppear()
    {
        var (context, page, errors) = await site.OpenAsync();
        await using var _ = context;
        await site.LoginAsync(context, "operator");
        await page.GotoAsync("/#/policy");
        var form = page.Locator("#policy-form");
        await Assertions.Expect(form).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#policy-version")).Not.ToHaveAttributeAsync("data-version", "");
        var before = int.Parse((await page.Locator("#policy-version").GetAttributeAsync("data-version"))!, CultureInfo.InvariantCulture);

        // A refused change: the page shows the API's 400 detail (the site file's own error text), and nothing changes.
        var ramp = await page.Locator("#policy-ramp").InputValueAsync();
        await page.Locator("#policy-ramp").FillAsync("-5");
        await page.Locator("#policy-save").ClickAsync();
        await Assertions.Expect(page.Locator("#policy-errors")).ToContainTextAsync("rampLimitKwPerMinute");
        Assert.All(errors, e => Assert.Contains("400", e, StringComparison.Ordinal));   // the refused PUT's own line, nothing else
        errors.Clear();
        await Assertions.Expect(page.Locator("#policy-version")).ToHaveAttributeAsync("data-version", before.ToString(CultureInfo.InvariantCulture));
        await page.Locator("#policy-ramp").FillAsync(ramp);

        var limit = 123.5 + before;   // a value no earlier run of this test left behind
        await page.Locator("#policy-price").FillAsync(limit.ToString(CultureInfo.InvariantCulture));
        await page.Locator("#policy-reason").FillAsync("browser test: price limit");
        await page.Locator("#policy-save").ClickAsync();
        await Assertions.Expect(page.Locator("#policy-saved")).ToContainTextAsync("Saved as version");
        await Assertions.Expect(page.Locator("#policy-errors")).ToBeEmptyAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardSite.Artifacts, "policy-desktop-1280x800.png"), FullPage = true });

        // The re-plan reaches the page (pushed over /api/events) under the new version.
        var after = await WaitForAsync(async () =>
        {
            var text = await page.Locator("#policy-version").GetAttributeAsync("data-version");
            return int.TryParse(text, CultureInfo.InvariantCulture, out var v) && v > before ? v : (int?)null;
        }, TimeSpan.FromSeconds(20));
        Assert.True(after > before, $"the plan's policy version stayed {before}");
        var plan = await site.Rig.GetAsync("/api/plan");
        Assert.Equal(after, plan.GetProperty("policyVersion").GetInt32());

        await page.GotoAsync("/#/audit");
        var entry = page.Locator("#audit-table tbody tr[data-what='policy.change']").First;
        await Assertions.Expect(entry).ToContainTextAsync(limit.ToString(CultureInfo.InvariantCulture), new() { Timeout = 10_000 });
        await Assertions.Expect(entry).ToContainTextAsync("olga");
        await Assertions.Expect(entry).ToContainTextAsync("browser test: price limit");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardSite.Artifacts, "audit-desktop-1280x800.png"), FullPage = true });
        Assert.True(errors.Count == 0, "console or page errors:\n" + string.Join('\n', errors));
    }

    [RequiresChromiumFact]
    public async Task History_ShowsTheFacilityStatementFromTheBooks_AnUnknownPartyIsTheApis404()
    {
        var (context, page, errors) = await site.OpenAsync();
        await using var _ = context;
        await site.LoginAsync(context, "operator");
        await page.GotoAsync("/#/history");
        await page.Locator("#statement-form button[type=submit]").ClickAsync();
        var statement = page.Locator("#statement");
        await Assertions.Expect(statement).ToContainTextAsync("# Statement:", new() { Timeout = 10_000 });
        await Assertions.Expect(statement).ToContainTextAsync("## Total");
        Assert.Contains("facility=true", await page.Locator("#statement-csv").GetAttributeAsync("href") ?? string.Empty, StringComparison.Ordinal);

        // A party the books do not know: the API's 404, naming the known ones, on the page.
        await page.Locator("#statement-kind").SelectOptionAsync("tenant");
        await page.Locator("#statement-name").FillAsync("Nobody");
        await page.Locator("#statement-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#statement-note")).ToContainTextAsync("404");
        await Assertions.Expect(statement).ToBeEmptyAsync();
        Assert.All(errors, e => Assert.Contains("404", e, StringComparison.Ordinal));   // the refused request's own line, nothing else
    }

    [RequiresChromiumFact]
    public async Task Screenshots_DesktopAndPhoneWidth_PhoneHasNoSidewaysScroll()
    {
        foreach (var (name, width, height) in new[] { ("desktop", 1280, 800), ("phone", 390, 844) })
        {
            var (context, page, _) = await site.OpenAsync(width, height);
            await using var _ = context;
            await site.LoginAsync(context, "operator");
            foreach (var view in new[] { "overview", "plan", "pouw" })
            {
                await page.GotoAsync("/#/" + (view == "overview" ? string.Empty : view));
                await Assertions.Expect(page.Locator("#import-now")).ToHaveTextAsync(Number());
                await Assertions.Expect(page.Locator("#plan-chart")).Not.ToHaveAttributeAsync("data-slots", "0");
                await page.WaitForTimeoutAsync(500);   // the charts take their width after the view is shown
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
                Assert.True(overflow <= 0, $"{name} {view}: the page is {overflow} px wider than the {width} px screen");
                var path = Path.Combine(DashboardSite.Artifacts, $"{view}-{name}-{width}x{height}.png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
                var png = await File.ReadAllBytesAsync(path);
                Assert.Equal("\x89PNG", Encoding.Latin1.GetString(png, 0, 4));
                Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));   // IHDR width
            }
        }
    }

    private static Regex Number() => NumberPattern();

    [GeneratedRegex(@"^-?\d[\d,]*(\.\d+)?$")]
    private static partial Regex NumberPattern();

    private static async Task<T?> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout)
        where T : struct
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        return null;
    }

    private static string Tail(string output) => output.Length <= 4000 ? output : output[^4000..];
}
