using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Signals;
using Energy.Contracts.Units;
using Energy.Telemetry.Modbus.Simulation;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Plant;

/// <summary>
/// Where the demo's measurements go, as its <see cref="DemoScope"/> allows: into the simulated Modbus devices
/// that map them (then HeatGrid reads them back over Modbus TCP like any meter), onto the MQTT topics the site
/// maps when the broker is the embedded one (then HeatGrid reads them back like any BMS's), and straight into the
/// signal registry for those neither serves. A signal a real device or a real topic feeds is never written.
/// </summary>
public sealed class DemoSensors
{
    private const string Source = "demo-simulator";

    private readonly SignalRegistry _signals;
    private readonly SimulatedDeviceHost? _devices;
    private readonly MqttLink? _mqtt;
    private readonly DemoScope _scope;
    private readonly Dictionary<string, bool> _direct = new(StringComparer.Ordinal);

    /// <param name="site">The site.</param>
    /// <param name="signals">The registry.</param>
    /// <param name="devices">The simulated Modbus devices, when served.</param>
    /// <param name="mqtt">The link to the embedded broker, when the demo publishes the site's MQTT inputs.</param>
    /// <param name="scope">What the demo may write; without one, the whole demo with <paramref name="devices"/> and <paramref name="mqtt"/> as given.</param>
    public DemoSensors(Site site, SignalRegistry signals, SimulatedDeviceHost? devices = null, MqttLink? mqtt = null, DemoScope? scope = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        _signals = signals;
        _scope = scope ?? DemoScope.For(site, wholeDemo: true, "the demo", mqtt is null ? DemoBroker.None : DemoBroker.Embedded, realPrices: false,
            serveDevices: devices is not null);
        _devices = _scope.ServesDevices ? devices : null;
        _mqtt = _scope.PublishedTopics.Count > 0 ? mqtt : null;
    }

    public DemoScope Scope => _scope;

    public void Publish(IReadOnlyDictionary<string, double> measurements, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        _devices?.Update(measurements);
        foreach (var (signal, value) in measurements)
        {
            if (!_direct.TryGetValue(signal, out var direct))
            {
                direct = _direct[signal] = _scope.WritesDirectly(signal);
            }

            if (direct)
            {
                _signals.Publish(Reading.Good(signal, value, SignalUnits.Of(signal) ?? Unit.Dimensionless, at, Source));
            }
        }
    }

    /// <summary>Publishes the MQTT-mapped measurements to the embedded broker (a link that is down just skips them, as a BMS would).</summary>
    public async Task PublishMqttAsync(IReadOnlyDictionary<string, double> measurements, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        if (_mqtt is null)
        {
            return;
        }

        foreach (var map in _scope.PublishedTopics)
        {
            if (measurements.TryGetValue(map.Signal, out var value))
            {
                await _mqtt.PublishAsync(map.Topic, TopicPayload.Encode(map, value, at), map.Qos, retain: false, cancellationToken);
            }
        }
    }
}
