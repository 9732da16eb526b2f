using Energy.Contracts.Sites;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Modbus.Polling;

/// <summary>
/// Polls every Modbus device of the site, each in its own loop, through one client per endpoint (an RTU
/// gateway's units share its connection, whose requests are serialised), into the signal registry.
/// </summary>
public sealed class ModbusPollingService : BackgroundService, IAsyncDisposable
{
    private readonly List<DevicePoller> _pollers = [];
    private readonly List<ModbusTcpClient> _clients = [];

    public ModbusPollingService(Site site, SignalRegistry signals, TimeProvider time, ILoggerFactory loggers, Func<Contracts.Devices.ModbusDevice, bool>? include = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger<ModbusPollingService>();
        foreach (var group in site.Devices.Where(include ?? (_ => true)).GroupBy(d => d.Endpoint, StringComparer.Ordinal))
        {
            if (!ModbusEndpoint.TryParse(group.Key, out var endpoint))
            {
                throw new InvalidOperationException($"'{group.Key}' is not a Modbus endpoint (HOST:PORT).");
            }

            var client = new ModbusTcpClient(
                new ModbusClientOptions { Endpoint = endpoint, RequestTimeout = group.Min(d => d.Timeout) },
                time,
                loggers.CreateLogger<ModbusTcpClient>());
            _clients.Add(client);
            foreach (var device in group)
            {
                _pollers.Add(new DevicePoller(device, client, r => signals.Publish(r), time, logger));
            }
        }
    }

    public IReadOnlyList<DeviceHealth> Health => _pollers.Select(p => p.Health).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        Dispose();
    }

    /// <summary>Every device is polled once before start-up goes on, so that planning starts on readings.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_pollers.Select(p => p.PollOnceAsync(cancellationToken)));
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_pollers.Select(p => Task.Run(() => p.RunAsync(stoppingToken), stoppingToken)));
}
