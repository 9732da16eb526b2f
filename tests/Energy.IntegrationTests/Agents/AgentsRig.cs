using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Energy.Contracts.Agents.Protocol;

namespace Energy.IntegrationTests.Agents;

/// <summary>
/// What the controller-and-agents tests share: the site (8 GPUs mining at up to 700 W against a 6 kW cap,
/// so the cap binds), prices, the agents' keys (the controller's file and one file per agent), and waiting.
/// </summary>
internal sealed class AgentsRig(string folder) : IDisposable
{
    public const string SiteName = "agents-test";
    public const double CapKw = 6;
    public const double BaseKw = 1;
    public const double Overhead = 0.05;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Dictionary<string, AgentKey> _keys = new(StringComparer.Ordinal);

    public HttpClient Http => _http;

    public void Dispose() => _http.Dispose();

    /// <summary>The controller's key file (every node's key), written on first use of a node.</summary>
    public string ControllerKeys => Path.Combine(folder, "agent-keys");

    public IReadOnlyList<AgentKey> KeysOf(string node) => _keys.TryGetValue(node, out var k) ? [k] : [];

    /// <summary>Agent <paramref name="node"/>'s key file (its line only), added to the controller's file too.</summary>
    public string KeyFileOf(string node)
    {
        if (!_keys.TryGetValue(node, out var key))
        {
            key = AgentKey.Create(node, $"{node}-test");
            _keys[node] = key;
            File.WriteAllLines(ControllerKeys, ["# NODE KID BASE64KEY", .. _keys.Values.Select(k => k.ToLine())]);
        }

        var path = Path.Combine(folder, $"{node}.key");
        File.WriteAllText(path, key.ToLine() + "\n");
        return path;
    }

    public string WriteSite()
    {
        var path = Path.Combine(folder, "site.yaml");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $$"""
            site:
              name: {{SiteName}}
              timeZone: Europe/Berlin
              currency: EUR
            grid:
              importCapKw: {{CapKw}}
              baseLoadKw: {{BaseKw}}
            pools:
              - name: gpus
                gpuModel: H100 SXM 80GB
                count: 8
                minPowerW: 200
                idlePowerW: 80
                maxPowerW: 700
                coolingOverhead: {{Overhead}}
            workloads:
              - name: mining
                kind: mining
                unit: ticket
                joulesPerUnit: 36000
                revenuePerUnit: 0.01
            policy:
              shedOrder: [mining]
              minDwell: 0s
              safeState: idle
            """));
        return path;
    }

    public string WritePrices()
    {
        var path = Path.Combine(folder, "prices.csv");
        // From yesterday up to the end of tomorrow in Berlin: a day-ahead file holds nothing later (it would be refused).
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(-1), TimeSpan.Zero);
        var end = Energy.Telemetry.Prices.PriceImportRules.HorizonEnd(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"), DateTimeOffset.UtcNow);
        var lines = new List<string> { "timestamp_utc,price_eur_per_mwh" };
        for (var t = start; t < end; t = t.AddHours(1))
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{t:yyyy-MM-ddTHH:mm:ssZ},20.0"));
        }

        File.WriteAllLines(path, lines);
        return path;
    }

    public async Task<bool> AgentsFollowingAsync(int port, params string[] nodes)
    {
        try
        {
            using var json = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/agents")));
            var following = json.RootElement.EnumerateArray()
                .Where(a => a.GetProperty("online").GetBoolean() && a.GetProperty("state").GetString() == "following" && a.GetProperty("ackedSeq").GetInt64() > 0)
                .Select(a => a.GetProperty("node").GetString())
                .ToHashSet();
            return nodes.All(following.Contains);
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string> logs)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        Assert.Fail($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}\n{logs()}");
    }

    public static int CountOf(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
