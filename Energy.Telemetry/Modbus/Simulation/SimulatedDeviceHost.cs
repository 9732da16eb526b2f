using System.Net;
using Energy.Contracts.Devices;
using Energy.Contracts.Sites;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Modbus.Simulation;

/// <summary>
/// The demo's Modbus devices: one in-process Modbus TCP server per simulated endpoint, serving every
/// simulated unit on it. HeatGrid then reads them through its real client, so the demo exercises the
/// real protocol path (and mbpoll can read them too).
/// </summary>
public sealed class SimulatedDeviceHost : IAsyncDisposable
{
    private readonly List<ModbusTcpServer> _servers = [];
    private readonly List<DeviceSimulator> _simulators = [];
    private readonly Dictionary<string, double> _latest = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public IReadOnlyList<DeviceSimulator> Simulators => _simulators;

    public IReadOnlyList<ModbusTcpServer> Servers => _servers;

    public static bool IsSimulated(ModbusDevice device) => device.Simulate is not null;

    /// <summary>Starts a server for each endpoint that has simulated devices. Only loopback endpoints are served.</summary>
    public async Task StartAsync(Site site, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(loggers);
        foreach (var group in site.Devices.Where(IsSimulated).GroupBy(d => d.Endpoint, StringComparer.Ordinal))
        {
            if (!ModbusEndpoint.TryParse(group.Key, out var endpoint) || !IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var address)
                || !IPAddress.IsLoopback(address))
            {
                throw new InvalidOperationException(
                    $"Simulated device endpoint {group.Key} must be a loopback address such as 127.0.0.1:15020: the demo serves it itself.");
            }

            var units = new Dictionary<byte, IModbusDataBank>();
            foreach (var device in group)
            {
                // Measurements made before the servers started are served from the first request on.
                var simulator = new DeviceSimulator(device);
                lock (_lock)
                {
                    simulator.Update(_latest);
                    _simulators.Add(simulator);
                }

                units[device.UnitId] = simulator.Bank;
            }

            var server = new ModbusTcpServer(new IPEndPoint(address, endpoint.Port), units, loggers.CreateLogger<ModbusTcpServer>());
            await server.StartAsync(cancellationToken);
            _servers.Add(server);
        }
    }

    public void Update(IReadOnlyDictionary<string, double> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        lock (_lock)
        {
            foreach (var (signal, value) in measurements)
            {
                _latest[signal] = value;
            }

            foreach (var simulator in _simulators)
            {
                simulator.Update(measurements);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _servers.Clear();
    }
}
