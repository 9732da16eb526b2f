using Energy.Gpu;
using Energy.Gpu.Devices;
using Energy.Scheduler.Api;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Books;
using Energy.Scheduler.Controller;
using Energy.Scheduler.Dashboard;
using Energy.Scheduler.Ha;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Api.Mqtt;
using Energy.Scheduler.NodeAgent;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Policy;
using Energy.Scheduler.Pouw;
using Energy.Scheduler.Plant;
using Energy.Scheduler.Security;
using Energy.Telemetry.Modbus.Simulation;
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
        builder.AddHttpBounds(options);                                                  // body, header and connection limits, allowed hosts, ProblemDetails
        builder.Services.AddApiSecurity(options);                                        // API keys from DATA/users.json, roles, failed-key limit
        builder.Services.AddApiObservability();                                          // /openapi/v1.json and /metrics (the HeatGrid meter)
        builder.Logging.AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss "));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(4));

        // The table of contents: one Add… per area, in the order their hosted services start.
        var demo = options.DemoScope;
        builder.Services.AddSingleton(time ?? TimeProvider.System).AddSingleton(options).AddSingleton(options.Site).AddSingleton(demo);
        var history = HistoryArguments.Resolve(options.History, builder.Configuration);
        builder.Services.AddEnergyTelemetry(options.DataFolder, history);                // signals, time-series store (embedded, or InfluxDB through the spool)
        if (options.Ha is { } shared)
        {
            builder.Services.AddHighAvailability(shared);                                // leadership on PostgreSQL; policy and curtailments kept there
        }

        if (history is not null)
        {
            builder.Services.AddOptions<Telemetry.History.HistoryOptions>()
                .Validate(_ => history.Problems().Count == 0, string.Join("; ", history.Problems())).ValidateOnStart();
        }

        if (options.Mqtt is { } mqtt)
        {
            builder.Services.AddControllerMqtt(options.Site, mqtt, options.Ha?.Options.Name);                      // broker, link, ingest, state, curtailments
        }

        builder.Services.AddDemoPlant(demo);                                             // what the demo simulates, if it runs

        // Devices the demo simulates are polled only when the demo serves them.
        builder.Services.AddModbusPolling(d => !SimulatedDeviceHost.IsSimulated(d) || (demo.Runs && demo.ServesDevices));
        builder.Services.AddPlanning(options, builder.Configuration);                   // prices, forecasts, LP, planning service
        builder.Services.AddEnergyLedger(options.DataFolder);                            // the books: counters into DATA/ledger.db (stops after the control loop)
        builder.Services.AddAuditTrail(options.DataFolder);                              // who changed what: DATA/audit.jsonl, hash-chained
        builder.Services.AddRunTimePolicy(options.DataFolder);                           // the operator policy in force and its versions: DATA/policy/
        builder.Services.AddProofOfUsefulWork(options.DataFolder);                       // PoUW jobs (DATA/pouw/jobs.json) and the proof ledger (ledger.db)
        builder.Services.AddController(options, builder.Configuration);                 // fleet, sequencer, control loop
        if (options.Role == HostRole.All)
        {
            builder.Services.AddEnergyGpu(node: NodeAgentServices.LocalNode, new GpuBackendOptions { Mode = options.Gpus })
                .AddLocalAgent();                                                        // this host's GPUs as one agent
        }
        else
        {
            builder.Services.AddAgentsOverMqtt(options.AgentKeys, options.DataFolder);   // agents on the broker, signed
        }

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseHttpBounds();
        app.UseDashboard();                                                              // the page at / (embedded files; before the keys: it asks the API)
        app.UseApiSecurity();
        app.UseStandbyReadOnly();                                                        // --ha: a standby answers writes with where the leader is
        app.MapHeatGridApi();
        app.MapApiObservability();
        app.Lifetime.ApplicationStarted.Register(() => Log.Started(
            app.Services.GetRequiredService<ILogger<RunOptions>>(), options.Site.Name, options.Role == HostRole.All ? options.Site.TotalGpus : 0,
            app.Services.GetRequiredService<IAgentLink>().GpuBackend, options.HttpUrl, options.DataFolder, options.SiteSource));
        app.Lifetime.ApplicationStarted.Register(() => Log.DemoScope(app.Services.GetRequiredService<ILogger<RunOptions>>(), demo.Describe()));
        return app;
    }
}
