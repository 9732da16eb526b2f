using Energy.Contracts.Devices;
using Energy.Contracts.Signals;
using Energy.Contracts.Sites;

namespace Energy.Scheduler;

/// <summary>How much of the demo runs.</summary>
public enum DemoLevel
{
    /// <summary>Nothing is simulated: readings come from the site's devices and topics only.</summary>
    None,

    /// <summary>Only the devices the site file marks <c>simulate</c>, fed by the demo's plant model.</summary>
    Devices,

    /// <summary>The whole demo world: simulated devices, BMS, tenants and weather, the site meter, the synthetic market.</summary>
    Full,
}

/// <summary>Where the demo's MQTT inputs would go.</summary>
public enum DemoBroker
{
    /// <summary>No MQTT (tests without sockets): the demo writes its MQTT inputs straight into the registry.</summary>
    None,

    /// <summary>The embedded broker: the demo publishes the site's MQTT inputs on it, and reads them back like a BMS's.</summary>
    Embedded,

    /// <summary>An external broker (<c>--mqtt</c>): its topics are real; the demo publishes nothing there and writes none of them.</summary>
    External,
}

/// <summary>
/// What the demo simulates on a site, decided once before anything starts, so that simulated readings are never
/// mixed with real ones: a signal fed by a real (non-simulated) device or by a topic of an external broker is never
/// written by the demo; the demo publishes the site's MQTT topics only on the embedded broker; the synthetic market
/// runs only with the whole demo and without real prices.
/// </summary>
public sealed class DemoScope
{
    private readonly HashSet<string> _real;
    private readonly HashSet<string> _simulatedPoints;
    private readonly HashSet<string> _mapped;

    private readonly HashSet<string> _demoTopics;
    private readonly DemoBroker _broker;

    private DemoScope(Site site, DemoLevel level, string why, DemoBroker broker, bool realPrices, bool serveDevices)
    {
        _broker = broker;
        Level = level;
        Why = why;
        ServesDevices = serveDevices;
        SimulatedDevices = level == DemoLevel.None ? [] : [.. site.Devices.Where(d => d.Simulate is not null)];
        _simulatedPoints = SimulatedDevices.SelectMany(d => d.Points).Select(p => p.Signal).ToHashSet(StringComparer.Ordinal);

        // Real: every point of a device nobody simulates; a topic is real unless the whole demo publishes it on its own broker.
        _real = site.Devices.Where(d => d.Simulate is null).SelectMany(d => d.Points).Select(p => p.Signal).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<TopicSignal> demoTopics = level == DemoLevel.Full && broker != DemoBroker.External
            ? [.. site.TopicSignals.Where(t => IsExact(t.Topic) && !_real.Contains(t.Signal)).GroupBy(t => t.Signal, StringComparer.Ordinal).Select(g => g.First())]
            : [];
        PublishedTopics = broker == DemoBroker.Embedded ? demoTopics : [];
        _demoTopics = demoTopics.Select(t => t.Signal).ToHashSet(StringComparer.Ordinal);
        _real.UnionWith(site.TopicSignals.Where(t => !_demoTopics.Contains(t.Signal)).Select(t => t.Signal));
        _mapped = site.Devices.SelectMany(d => d.Points).Select(p => p.Signal).Concat(site.TopicSignals.Select(t => t.Signal))
            .ToHashSet(StringComparer.Ordinal);
        SyntheticMarket = level == DemoLevel.Full && !realPrices;
    }

    public DemoLevel Level { get; }

    /// <summary>Why the demo runs or not: the built-in site, <c>--demo</c>, the site file's <c>demo</c>, its <c>simulate</c> marks.</summary>
    public string Why { get; }

    public bool Runs => Level != DemoLevel.None;

    /// <summary>The devices marked <c>simulate</c>, when the demo runs.</summary>
    public IReadOnlyList<ModbusDevice> SimulatedDevices { get; }

    /// <summary>Whether the simulated devices are served over Modbus TCP (else their readings go straight to the registry).</summary>
    public bool ServesDevices { get; }

    /// <summary>The site's MQTT inputs the demo's BMS, tenants and weather station publish: on the embedded broker only, never on an external one.</summary>
    public IReadOnlyList<TopicSignal> PublishedTopics { get; }

    /// <summary>Prices from the demo's synthetic market (the whole demo without <c>--prices</c>).</summary>
    public bool SyntheticMarket { get; }

    /// <summary>The whole demo also writes the measurements nothing on the site maps (a site meter the file lacks, say).</summary>
    public bool WritesUnmapped => Level == DemoLevel.Full;

    /// <summary>
    /// Decides the demo. <paramref name="wholeDemo"/>: the built-in demo site, <c>--demo</c> or the file's <c>demo: true</c>.
    /// Otherwise only the devices marked <c>simulate</c> are simulated, if any.
    /// </summary>
    public static DemoScope For(Site site, bool wholeDemo, string why, DemoBroker broker, bool realPrices, bool serveDevices = true)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (wholeDemo)
        {
            return new DemoScope(site, DemoLevel.Full, why, broker, realPrices, serveDevices);
        }

        return site.Devices.Any(d => d.Simulate is not null)
            ? new DemoScope(site, DemoLevel.Devices, "devices marked simulate in the site file", broker, realPrices, serveDevices)
            : new DemoScope(site, DemoLevel.None, site.Demo == false ? "the site file says demo: false" : "a site file without demo: true or simulated devices",
                broker, realPrices, serveDevices);
    }

    /// <summary>Whether a real device or a real topic feeds <paramref name="signal"/>: then the demo never writes it.</summary>
    public bool IsReal(string signal) => _real.Contains(signal);

    /// <summary>Whether the demo writes <paramref name="signal"/> straight into the signal registry.</summary>
    public bool WritesDirectly(string signal)
    {
        if (!Runs || _real.Contains(signal))
        {
            return false;
        }

        if (_simulatedPoints.Contains(signal))
        {
            return !ServesDevices;
        }

        return _demoTopics.Contains(signal) ? _broker == DemoBroker.None : WritesUnmapped && !_mapped.Contains(signal);
    }

    /// <summary>What runs, in one line, for the start log, <c>/api/status</c> and <c>check-config</c>.</summary>
    public string Describe()
    {
        if (!Runs)
        {
            return $"off ({Why}): nothing is simulated; readings come from the site's devices and MQTT topics only";
        }

        var parts = new List<string>();
        if (SimulatedDevices.Count > 0)
        {
            parts.Add($"devices {string.Join(", ", SimulatedDevices.Select(d => d.Name))} ({(ServesDevices ? "served over Modbus TCP on loopback" : "into the registry")})");
        }

        if (_demoTopics.Count > 0)
        {
            parts.Add($"MQTT inputs {string.Join(", ", _demoTopics.Order(StringComparer.Ordinal))} {(_broker == DemoBroker.Embedded ? "on the embedded broker" : "into the registry")}");
        }

        if (WritesUnmapped)
        {
            parts.Add("the plant's measurements the site maps to nothing");
        }

        if (SyntheticMarket)
        {
            parts.Add("the synthetic day-ahead market");
        }

        var real = _real.Count == 0 ? string.Empty : $"; real, never simulated: {string.Join(", ", _real.Order(StringComparer.Ordinal))}";
        return $"{(Level == DemoLevel.Full ? "on" : "devices only")} ({Why}): simulates {(parts.Count == 0 ? "nothing the site reads" : string.Join("; ", parts))}{real}";
    }

    /// <summary>What <c>/api/status</c> shows.</summary>
    public DemoStatus Status()
    {
        var simulates = SimulatedDevices.Select(d => "device:" + d.Name).Concat(_demoTopics.Order(StringComparer.Ordinal).Select(t => "mqtt-input:" + t)).ToList();
        if (WritesUnmapped)
        {
            simulates.Add("unmapped-plant-signals");
        }

        if (SyntheticMarket)
        {
            simulates.Add("market");
        }

        return new(Runs, Level.ToString().ToLowerInvariant(), Why, simulates, Describe());
    }

    private static bool IsExact(string topic) => !topic.Contains('+', StringComparison.Ordinal) && !topic.Contains('#', StringComparison.Ordinal);
}

/// <summary>The demo as <c>/api/status</c> shows it: whether it runs, at which level, why, and what it simulates.</summary>
public sealed record DemoStatus(bool Running, string Level, string Why, IReadOnlyList<string> Simulates, string Description);
