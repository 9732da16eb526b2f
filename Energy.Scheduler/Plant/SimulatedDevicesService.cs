using Energy.Contracts.Sites;
using Energy.Telemetry.Modbus.Simulation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Plant;

/// <summary>Binds the demo's simulated Modbus devices before anything polls them, and closes them at stop.</summary>
public sealed class SimulatedDevicesService(Site site, SimulatedDeviceHost host, ILoggerFactory loggers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync(site, loggers, cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await host.DisposeAsync();
}
