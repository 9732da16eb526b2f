using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Telemetry.Modbus.Simulation;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Demo;

/// <summary>
/// Where the demo's measurements go: into the simulated Modbus devices that map them (then HeatGrid
/// reads them back over Modbus TCP like any meter), and straight into the signal registry for the
/// measurements no simulated device serves.
/// </summary>
public sealed class DemoSensors
{
    private const string Source = "demo-simulator";

    private readonly SignalRegistry _signals;
    private readonly SimulatedDeviceHost? _devices;
    private readonly HashSet<string> _served;

    public DemoSensors(Site site, SignalRegistry signals, SimulatedDeviceHost? devices)
    {
        ArgumentNullException.ThrowIfNull(site);
        _signals = signals;
        _devices = devices;
        _served = devices is null
            ? []
            : site.Devices.Where(SimulatedDeviceHost.IsSimulated).SelectMany(d => d.Points).Select(p => p.Signal).ToHashSet(StringComparer.Ordinal);
    }

    public void Publish(IReadOnlyDictionary<string, double> measurements, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        _devices?.Update(measurements);
        foreach (var (signal, value) in measurements)
        {
            if (!_served.Contains(signal))
            {
                _signals.Publish(Reading.Good(signal, value, UnitOf(signal), at, Source));
            }
        }
    }

    /// <summary>Signal names end in their unit (heatDemandKw, tankStoredKwh, frequencyHz…).</summary>
    internal static string UnitOf(string signal) => signal switch
    {
        _ when signal.EndsWith("Kwh", StringComparison.Ordinal) => "kWh",
        _ when signal.EndsWith("Kw", StringComparison.Ordinal) => "kW",
        _ when signal.EndsWith("Hz", StringComparison.Ordinal) => "Hz",
        _ when signal.EndsWith('C') => "°C",
        _ when signal.EndsWith('V') => "V",
        _ when signal.EndsWith("M3PerHour", StringComparison.Ordinal) => "m³/h",
        _ => string.Empty,
    };
}
