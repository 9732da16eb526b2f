using Energy.IntegrationTests.Support;
using Microsoft.Playwright;

namespace Energy.IntegrationTests.Dashboard;

/// <summary>
/// A real <c>heatgrid run --demo</c> with a viewer, an operator, an admin, a tenant and an agent added by the <c>heatgrid users add</c> verb, and
/// Debian's headless Chromium driven by Playwright (the system executable; no browser is downloaded). Shared by the
/// dashboard's browser tests; started only when Chromium is there.
/// </summary>
public sealed class DashboardSite : IAsyncLifetime, IDisposable
{
    internal static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-dashboard-").FullName;
    private HeatGridRunRig? _rig;
    private HeatGridProcess? _heatgrid;
    private IPlaywright? _playwright;

    public Dictionary<string, string> Keys { get; } = [];

    public IBrowser Browser { get; private set; } = null!;

    internal HeatGridRunRig Rig => _rig!;

    public string BaseUrl => $"http://127.0.0.1:{_rig!.Port}";

    /// <summary>The screenshots' folder: artifacts/test-results/dashboard (ops/test.sh keeps artifacts/test-results as the run's results).</summary>
    public static string Artifacts { get; } = Path.Combine(RepoPaths.Root, "artifacts", "test-results", "dashboard");

    public string Output => _heatgrid?.Output ?? string.Empty;

    public async Task InitializeAsync()
    {
        if (!File.Exists(RequiresChromiumFactAttribute.Chromium))
        {
            return;   // the facts skip (or, under CI, fail on their own)
        }

        _rig = new HeatGridRunRig(_folder);
        foreach (var (name, role) in new[] { ("vic", "viewer"), ("olga", "operator"), ("ada", "admin") })
        {
            Keys[role] = await HeatGridUsers.AddAsync(_rig.Data, name, role, timeout: TimeSpan.FromSeconds(60));
        }

        // The proof-of-useful-work view: a tenant of the site (it sees its own ledger) and an agent (it logs batches and submits tickets).
        Keys["tenant"] = await HeatGridUsers.AddAsync(_rig.Data, "tom", "tenant", "Acme AI", TimeSpan.FromSeconds(60));
        Keys["agent"] = await HeatGridUsers.AddAsync(_rig.Data, "gpu1", "agent", timeout: TimeSpan.FromSeconds(60));

        _heatgrid = _rig.Start("--demo");
        _rig.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Keys["viewer"]);
        await _rig.WaitForStatusAsync(_heatgrid, TimeSpan.FromSeconds(90));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = RequiresChromiumFactAttribute.Chromium,
            Headless = true,
            Args = ChromiumArgs,
        });
        Directory.CreateDirectory(Artifacts);
    }

    /// <summary>A fresh browser context (its own cookies) at <paramref name="width"/>×<paramref name="height"/>, and its page, which records console errors and page errors.</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> OpenAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add($"console: {message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add($"page error: {error}");
            }
        };
        return (context, page, errors);
    }

    /// <summary>Logs the context in through the API (the cookie lands in the context), so the page opens with a session.</summary>
    public async Task LoginAsync(IBrowserContext context, string role)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = await context.APIRequest.PostAsync("/api/session", new APIRequestContextOptions { DataObject = new { key = Keys[role] } });
        Assert.True(response.Ok, $"login as {role}: {response.Status} {await response.TextAsync()}");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        Dispose();
    }

    /// <summary>Stops heatgrid and removes its folder (again harmless).</summary>
    public void Dispose()
    {
        _heatgrid?.Dispose();
        _rig?.Dispose();
        (_heatgrid, _rig) = (null, null);
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
