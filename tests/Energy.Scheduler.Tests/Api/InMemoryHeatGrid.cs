using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Energy.Scheduler.Tests.Api;

/// <summary>
/// <c>heatgrid run</c>'s app on the bathhouse site through an in-memory server (no sockets), started and ticked once:
/// what the API tests ask of. No simulated Modbus servers (fast tests open no sockets: the demo's measurements go straight
/// to the registry) and simulated GPUs even on a host with real ones (fast tests never drive hardware).
/// </summary>
internal sealed class InMemoryHeatGrid : IAsyncDisposable
{
    private InMemoryHeatGrid(WebApplication app)
    {
        App = app;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    /// <summary>Starts the app on <paramref name="data"/>; returns once the control loop has published its first status.</summary>
    public static async Task<InMemoryHeatGrid> StartAsync(string data, TimeProvider time)
    {
        var options = new RunOptions(TestSites.Bathhouse(), "test", "http://127.0.0.1:0", data, ServeSimulatedDevices: false,
            Gpus: Energy.Gpu.Devices.GpuBackendMode.Simulated);
        var app = HeatGridHost.Build(options, time, b => b.WebHost.UseTestServer());
        await app.StartAsync();

        // Hosted services run on their own threads: the API answers once the control loop has ticked.
        await app.Services.GetRequiredService<StatusBoard>().FirstPublished.WaitAsync(TimeSpan.FromSeconds(30));
        return new InMemoryHeatGrid(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
