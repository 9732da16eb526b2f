using Energy.Gpu;
using Energy.Gpu.Devices;
using Energy.Scheduler.Api;
using Energy.Scheduler.Controller.Agents;
using Energy.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Hosting;

/// <summary>The composition root of <c>heatgrid run</c> (everything in one process) and <c>heatgrid controller</c>.</summary>
public static class HeatGridHost
{
    public static WebApplication Build(RunOptions options, TimeProvider? time = null, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(options.HttpUrl);
        builder.Logging.AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss "));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(4));

        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Site);
        builder.Services.AddEnergyTelemetry(options.DataFolder);
        if (options.Role == HostRole.All)
        {
            builder.Services.AddEnergyGpu(node: AgentServices.LocalNode, new GpuBackendOptions { Mode = options.Gpus });
        }

        builder.Services.AddEnergyScheduler(options, demo: options.Demo);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapHeatGridApi();
        app.Lifetime.ApplicationStarted.Register(() => Log.Started(
            app.Services.GetRequiredService<ILogger<RunOptions>>(), options.Site.Name, options.Role == HostRole.All ? options.Site.TotalGpus : 0,
            app.Services.GetRequiredService<IAgentLink>().GpuBackend, options.HttpUrl, options.DataFolder, options.SiteSource));
        return app;
    }
}
