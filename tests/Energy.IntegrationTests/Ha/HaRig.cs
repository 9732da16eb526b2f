using System.Globalization;
using System.Text.Json;
using Energy.IntegrationTests.Agents;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Ha;

/// <summary>
/// Two <c>heatgrid controller --ha</c> processes (a and b) sharing one real PostgreSQL database, a real mosquitto, two
/// <c>heatgrid agent</c> processes and a monitor on the broker (<see cref="AgentReportMonitor"/>): the site of
/// <see cref="AgentsRig"/> (8 GPUs against a 6 kW cap, so the cap binds). The controllers log in with a role of their own,
/// not the superuser, as a production one would.
/// </summary>
internal sealed class HaRig : IAsyncDisposable
{
    public const string Role = "heatgrid";
    public const string RolePassword = "ha-test-password";

    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-ha-").FullName;
    private readonly Dictionary<string, HeatGridProcess> _controllers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HeatGridProcess> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _earlierOutput = new(StringComparer.Ordinal);
    private string _site = "";
    private string _prices = "";

    private HaRig(PostgresServer postgres, MosquittoBroker broker)
    {
        Postgres = postgres;
        Broker = broker;
        Rig = new AgentsRig(_folder);
        Monitor = new AgentReportMonitor(broker.Port, Rig);
    }

    public PostgresServer Postgres { get; }

    public MosquittoBroker Broker { get; }

    public AgentsRig Rig { get; }

    public AgentReportMonitor Monitor { get; }

    public HttpClient Http => Rig.Http;

    public IReadOnlyDictionary<string, HeatGridProcess> Controllers => _controllers;

    /// <summary>The site file the controllers run (<c>heatgrid users --ha … --site</c> takes it too).</summary>
    public string SitePath => _site;

    public IReadOnlyDictionary<string, HeatGridProcess> Agents => _agents;

    public static async Task<HaRig> StartAsync()
    {
        var postgres = await PostgresServer.StartAsync();
        MosquittoBroker? broker = null;
        try
        {
            await postgres.CreateRoleAsync(Role, RolePassword);
            await postgres.CreateDatabaseAsync("heatgrid", owner: Role);
            broker = await MosquittoBroker.StartAsync();
            var rig = new HaRig(postgres, broker);
            rig._site = rig.Rig.WriteSite();
            rig._prices = rig.Rig.WritePrices();
            foreach (var node in new[] { "n1", "n2" })
            {
                rig.Rig.KeyFileOf(node);
            }

            await rig.Monitor.StartAsync();
            return rig;
        }
        catch
        {
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }

            await postgres.DisposeAsync();
            throw;
        }
    }

    public int PortOf(string controller) => _ports[controller];

    public Uri Url(string controller, string path) => new($"http://127.0.0.1:{PortOf(controller)}{path}");

    /// <summary>Starts controller <paramref name="name"/> (again, with the same port and data folder after a kill).</summary>
    public HeatGridProcess StartController(string name)
    {
        if (_controllers.Remove(name, out var earlier))
        {
            _earlierOutput[name] = _earlierOutput.GetValueOrDefault(name, "") + earlier.Output;
            earlier.Dispose();
        }

        if (!_ports.TryGetValue(name, out var port))
        {
            port = FreePort.Next();
            _ports[name] = port;
        }

        var process = HeatGridProcess.Start(new Dictionary<string, string> { ["HEATGRID_HA_PASSWORD"] = RolePassword },
            "controller", "--site", _site, "--mqtt", Broker.Uri(), "--http", $"127.0.0.1:{port}", "--data", Path.Combine(_folder, "data-" + name),
            "--prices", _prices, "--agent-keys", Rig.ControllerKeys, "--ha", Postgres.ConnectionUri("heatgrid", Role), "--ha-name", name);
        _controllers[name] = process;
        return process;
    }

    public HeatGridProcess StartAgent(string node)
    {
        var process = HeatGridProcess.Start("agent", "--node", node, "--site", _site, "--mqtt", Broker.Uri(), "--simulate", "gpus:4",
            "--key-file", Path.Combine(_folder, $"{node}.key"));
        _agents[node] = process;
        return process;
    }

    /// <summary>What every process logged (earlier runs of a controller too) and the peers' logs, for assertion messages.</summary>
    public string Logs()
    {
        var parts = new List<string>();
        foreach (var (name, process) in _controllers.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            parts.Add($"controller {name}:\n{_earlierOutput.GetValueOrDefault(name, "")}{Tail(process.Output)}");
        }

        foreach (var (node, process) in _agents.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            parts.Add($"agent {node}:\n{Tail(process.Output)}");
        }

        parts.Add($"postgres:\n{Postgres.Log}");
        return string.Join("\n", parts);
    }

    /// <summary>The <c>ha</c> part of a controller's <c>/health</c>, or null while it does not answer.</summary>
    public async Task<JsonElement?> HaOfAsync(string controller)
    {
        try
        {
            using var json = JsonDocument.Parse(await Http.GetStringAsync(Url(controller, "/health")));
            return json.RootElement.TryGetProperty("ha", out var ha) && ha.ValueKind == JsonValueKind.Object ? ha.Clone() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Which running controllers say they lead (their /health).</summary>
    public async Task<List<string>> LeadersAsync()
    {
        var leaders = new List<string>();
        foreach (var name in _controllers.Where(c => !c.Value.HasExited).Select(c => c.Key).Order(StringComparer.Ordinal))
        {
            if (await HaOfAsync(name) is { } ha && ha.GetProperty("role").GetString() == "leader")
            {
                leaders.Add(name);
            }
        }

        return leaders;
    }

    public async Task<JsonElement> GetAsync(string controller, string path)
    {
        using var json = JsonDocument.Parse(await Http.GetStringAsync(Url(controller, path)));
        return json.RootElement.Clone();
    }

    /// <summary>The first acknowledgement the monitor saw that applied a batch of an epoch above <paramref name="epoch"/>, or null.</summary>
    public SeenAck? FirstAppliedAbove(long epoch) => Monitor.Acks.FirstOrDefault(a => a.Refusal is null && a.Epoch > epoch);

    /// <summary>Acknowledgements that applied a batch of an older epoch after the agent had applied one of a newer epoch.</summary>
    public List<string> OlderAppliedAfterNewer()
    {
        var newest = new Dictionary<string, long>(StringComparer.Ordinal);
        var wrong = new List<string>();
        foreach (var ack in Monitor.Acks.Where(a => a.Refusal is null))
        {
            if (newest.TryGetValue(ack.Node, out var seen) && ack.Epoch < seen)
            {
                wrong.Add(string.Create(CultureInfo.InvariantCulture, $"{ack.Node} applied {ack.Epoch}/{ack.Seq} at {ack.At:HH:mm:ss.fff} after epoch {seen}"));
            }

            newest[ack.Node] = Math.Max(seen, ack.Epoch);
        }

        return wrong;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _controllers.Values.Concat(_agents.Values))
        {
            process.Dispose();
        }

        await Monitor.DisposeAsync();
        Rig.Dispose();
        await Broker.DisposeAsync();
        await Postgres.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // a file still held by a dying process: the temp folder is cleaned by the system
        }
    }

    private static string Tail(string text) => text.Length > 12000 ? "…" + text[^12000..] : text;
}
