using System.Net;
using Energy.Contracts.Sites;
using Energy.Gpu.Devices;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Prices;

namespace Energy.Scheduler;

/// <summary>What <c>heatgrid run</c> was asked to do.</summary>
/// <param name="Site">The loaded, validated site.</param>
/// <param name="SiteSource">Where the site came from (a file, or the built-in demo).</param>
/// <param name="HttpUrl">The URL Kestrel listens on, e.g. http://127.0.0.1:8080.</param>
/// <param name="DataFolder">Where the embedded store keeps its files.</param>
/// <param name="ServeSimulatedDevices">Start the in-process Modbus servers of devices marked <c>simulate</c> (they bind their
/// loopback ports); without them the demo's measurements go straight to the signal registry.</param>
/// <param name="Mqtt">MQTT: an external broker, or the embedded one and where it listens; null for none (tests without sockets).</param>
/// <param name="Prices">Real day-ahead prices (a file's, then MQTT updates), or null for the demo's synthetic market.</param>
/// <param name="Role">Everything in one process (<c>heatgrid run</c>), or the controller alone with agents on the broker.</param>
/// <param name="Demo">The whole demo world (the built-in site, <c>--demo</c>, the file's <c>demo: true</c>); without it only the devices the
/// site file marks <c>simulate</c> are simulated, if any (see <see cref="DemoScope"/>).</param>
/// <param name="Gpus">Real GPUs when present (auto), simulated ones always, or real ones or no start (cuda).</param>
public sealed record RunOptions(
    Site Site,
    string SiteSource,
    string HttpUrl,
    string DataFolder,
    bool ServeSimulatedDevices = true,
    MqttSetup? Mqtt = null,
    PriceImportResult? Prices = null,
    HostRole Role = HostRole.All,
    bool Demo = true,
    GpuBackendMode Gpus = GpuBackendMode.Auto)
{
    /// <summary>The day-ahead price file to re-import daily (the Quartz price-import job), or null.</summary>
    public string? PricesPath { get; init; }

    /// <summary>The agents' keys (<c>heatgrid controller</c>): every message to and from agents over MQTT is signed with them; unsigned only with <c>--insecure-unsigned</c>.</summary>
    public Controller.Agents.AgentKeySource AgentKeys { get; init; } = Controller.Agents.AgentKeySource.None;

    /// <summary>Host names the HTTP API answers to besides the one it listens on and localhost (<c>--allowed-hosts</c>).</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Why the whole demo runs (<see cref="Demo"/>), for the start log and <c>/api/status</c>.</summary>
    public string DemoWhy { get; init; } = "the demo";

    /// <summary>What the demo simulates here: decided from the site, <see cref="Demo"/>, the broker and the prices.</summary>
    public DemoScope DemoScope =>
        DemoScope.For(Site, Demo, DemoWhy, Mqtt is null ? DemoBroker.None : Mqtt.Broker is null ? DemoBroker.Embedded : DemoBroker.External, realPrices: Prices is not null, ServeSimulatedDevices);

    /// <summary><c>--influx</c> and its companions: telemetry history in InfluxDB through the disk spool; null: as appsettings.json says (default the embedded store).</summary>
    public Hosting.HistoryArguments? History { get; init; }

    /// <summary><c>heatgrid controller --ha</c>: the database the site's controllers share (migrated), for leadership and the state kept there; null: the only controller.</summary>
    public Ha.HaDatabase? Ha { get; init; }

    /// <summary>Run the Quartz jobs (re-plan on slot boundaries, daily price import); off in tests that drive planning themselves.</summary>
    public bool ScheduleJobs { get; init; } = true;
}

/// <summary>Which parts run in this process.</summary>
public enum HostRole
{
    /// <summary>Controller and this host's GPUs (as one in-process agent): <c>heatgrid run</c>.</summary>
    All,

    /// <summary>Plans and dispatches to agents over MQTT: <c>heatgrid controller</c>.</summary>
    Controller,
}

/// <summary>How <c>heatgrid run</c> reaches MQTT: <paramref name="Broker"/> when given, else its embedded broker on <paramref name="Listen"/>.</summary>
public sealed record MqttSetup(MqttBrokerOptions? Broker, IPEndPoint Listen)
{
    /// <summary>
    /// Where this process's own link reaches the embedded broker: the listen address, or loopback of its family when the
    /// broker listens on every address (0.0.0.0 or [::]), which is no address to connect to.
    /// </summary>
    public IPEndPoint Connect => Listen.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, Listen.Port)
        : Listen.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.IPv6Loopback, Listen.Port)
        : Listen;
}
