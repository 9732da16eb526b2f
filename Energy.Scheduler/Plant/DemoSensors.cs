using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Signals;
using Energy.Contracts.Units;
using Energy.Telemetry.Modbus.Simulation;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Plant;

/// <summary>
/// Where the demo's measurements go: into the simulated Modbus devices that map them (then HeatGrid
/// reads them back over Modbus TCP like any meter), onto the MQTT topics the site maps (then HeatGrid
/// reads them back through the broker like any BMS), and straight into the signal registry for the
/// measurements neither serves.
/// </summary>
public sealed class DemoSensors
{
    private const string Source = "demo-simulator";

    private readonly SignalRegistry _signals;
    private readonly SimulatedDeviceHost? _devices;
    private readonly MqttLink? _mqtt;
    private readonly HashSet<string> _served;
    private readonly Dictionary<string, TopicSignal> _topics;

    public DemoSensors(Site site, SignalRegistry signals, SimulatedDeviceHost? devices = null, MqttLink? mqtt = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        _signals = signals;
        _devices = devices;
        _mqtt = mqtt;
        _served = devices is null
            ? []
            : site.Devices.Where(SimulatedDeviceHost.IsSimulated).SelectMany(d => d.Points).Select(p => p.Signal).ToHashSet(StringComparer.Ordinal);

        // Only topics without wildcards can be published to; the demo's BMS speaks each mapped format.
        _topics = mqtt is null
            ? []
            : site.TopicSignals.Where(t => !t.Topic.Contains('+', StringComparison.Ordinal) && !t.Topic.Contains('#', StringComparison.Ordinal))
                .GroupBy(t => t.Signal, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _served.UnionWith(_topics.Keys);
    }

    public void Publish(IReadOnlyDictionary<string, double> measurements, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        _devices?.Update(measurements);
        foreach (var (signal, value) in measurements)
        {
            if (!_served.Contains(signal))
            {
                _signals.Publish(Reading.Good(signal, value, SignalUnits.Of(signal) ?? Unit.Dimensionless, at, Source));
            }
        }
    }

    /// <summary>Publishes the MQTT-mapped measurements to the broker (a link that is down just skips them, as a BMS would).</summary>
    public async Task PublishMqttAsync(IReadOnlyDictionary<string, double> measurements, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        if (_mqtt is null)
        {
            return;
        }

        foreach (var (signal, map) in _topics)
        {
            if (measurements.TryGetValue(signal, out var value))
            {
                await _mqtt.PublishAsync(map.Topic, TopicPayload.Encode(map, value, at), map.Qos, retain: false, cancellationToken);
            }
        }
    }
}
