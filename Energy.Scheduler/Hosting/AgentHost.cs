using System.Globalization;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Sites;
using Energy.Gpu;
using Energy.Gpu.Agents;
using Energy.Gpu.Devices;
using Energy.Gpu.Pouw;
using Energy.Gpu.Simulation;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.NodeAgent;
using Energy.Scheduler.NodeAgent.Pouw;
using Energy.Telemetry;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Hosting;

/// <summary>What <c>heatgrid agent</c> was asked to run.</summary>
/// <param name="Simulated">Simulated GPUs per pool of the site.</param>
/// <param name="PollMeter">Poll the site meter that measures grid frequency over Modbus, besides the MQTT topic.</param>
/// <param name="Keys">This agent's keys (<c>--key-file</c> or <c>HEATGRID_AGENT_KEY</c>), or none with <c>--insecure-unsigned</c>.</param>
/// <param name="Pouw">When set, the mining workload mines this PoUW job (<c>--pouw-api</c>, <c>--pouw-job</c>) instead of SHA-256d.</param>
public sealed record AgentRunOptions(Site Site, string Node, MqttBrokerOptions Broker, IReadOnlyList<(GpuPool Pool, int Count)> Simulated, bool PollMeter,
    AgentKeySource Keys, PouwNodeOptions? Pouw = null);

/// <summary>The composition root of <c>heatgrid agent</c>: this host's GPUs, the agent logic and its MQTT link.</summary>
public static class AgentHost
{
    public static IHost Build(AgentRunOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss "));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(4));
        var clock = time ?? TimeProvider.System;
        var topics = new AgentTopics(options.Site.Name);
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton(options.Site);
        builder.Services.AddSingleton<SignalRegistry>();
        builder.Services.AddSingleton<Energy.Telemetry.Health.Alarms>();
        if (options.Simulated.Count > 0)
        {
            IReadOnlyList<IGpuDevice> simulated = [.. options.Simulated.SelectMany(s => Enumerable.Range(0, s.Count)
                .Select(i => new SimulatedGpu(string.Create(CultureInfo.InvariantCulture, $"{options.Node}/{s.Pool.Name}/{i}"), s.Pool.GpuModel, s.Pool.Name,
                    s.Pool.MinPowerPerGpu, s.Pool.IdlePowerPerGpu, s.Pool.MaxPowerPerGpu, clock)))];
            builder.Services.AddSingleton(GpuBackend.Simulated(simulated, "--simulate"));
            builder.Services.AddSingleton(simulated);
        }
        else
        {
            // This host's NVIDIA GPUs, or no start: an agent never pretends with simulated power on a real site.
            builder.Services.AddEnergyGpu(options.Node, sp => new GpuBackendOptions
            {
                Mode = GpuBackendMode.Cuda,
                Loads = options.Pouw is null ? new CudaLoadOptions()
                    : new CudaLoadOptions { Pouw = new CudaPouwMiningOptions(sp.GetRequiredService<InferenceShapesJobSource>(), sp.GetRequiredService<PouwTicketOutbox>()) },
            });
        }

        builder.Services.AddSingleton(sp => new AgentCore(options.Node, sp.GetRequiredService<IReadOnlyList<IGpuDevice>>(),
            AgentOptions.From(options.Site, NodeAgentServices.Deadman), clock, sp.GetRequiredService<ILogger<AgentCore>>()));
        builder.Services.AddSingleton(sp => new MqttLink(options.Broker with
        {
            ClientId = $"heatgrid-agent-{options.Site.Name}-{options.Node}",
            StatusTopic = topics.Status(options.Node),
        }, clock, sp.GetRequiredService<ILogger<MqttLink>>()));
        builder.Services.AddSingleton(sp => AgentKeyRing.Load(options.Keys, clock, sp.GetRequiredService<ILogger<AgentKeyRing>>(),
            sp.GetRequiredService<Energy.Telemetry.Health.Alarms>()));
        builder.Services.AddSingleton(sp => new MqttAgent(sp.GetRequiredService<AgentCore>(), sp.GetRequiredService<MqttLink>(), topics,
            sp.GetRequiredService<AgentKeyRing>(), Describe(sp.GetRequiredService<GpuBackend>(), options), NodeAgentServices.Deadman, clock, sp.GetRequiredService<ILogger<MqttAgent>>()));
        builder.Services.AddHostedService<AgentService>();
        if (options.PollMeter)
        {
            var signal = options.Site.Policy.DemandResponse.FrequencySignal;
            builder.Services.AddModbusPolling(d => d.Points.Any(p => p.Signal == signal));
        }

        if (options.Pouw is { } pouw)
        {
            AddPouw(builder.Services, options, pouw, clock);
        }

        return builder.Build();
    }

    /// <summary>The backend's description, and with PoUW where the mining workload's PoUW runs (the CPU for simulated GPUs, never called GPU work).</summary>
    private static string Describe(GpuBackend backend, AgentRunOptions options) => options.Pouw is not { } pouw ? backend.Description
        : $"{backend.Description}; mining: PoUW job {pouw.Tenant}/{pouw.Job} " + (options.Simulated.Count > 0 ? "on the CPU (CPU PoUW for the simulated GPUs)" : "on the GPUs");

    private static void AddPouw(IServiceCollection services, AgentRunOptions options, PouwNodeOptions pouw, TimeProvider clock)
    {
        services.AddSingleton(pouw);
        services.AddSingleton(_ => new PouwControllerClient(new HttpClient { BaseAddress = pouw.BaseAddress, Timeout = TimeSpan.FromSeconds(30) }, pouw.ApiKey));
        services.AddSingleton(sp => new InferenceShapesJobSource(sp.GetRequiredService<PouwControllerClient>(), pouw, options.Node, clock,
            sp.GetRequiredService<ILogger<InferenceShapesJobSource>>(), sp.GetRequiredService<Energy.Telemetry.Health.Alarms>()));
        services.AddSingleton(sp => new PouwTicketOutbox(pouw.OutboxFolder, sp.GetRequiredService<PouwControllerClient>(), pouw, clock,
            sp.GetRequiredService<ILogger<PouwTicketOutbox>>(), sp.GetRequiredService<Energy.Telemetry.Health.Alarms>()));
        var simulated = options.Simulated.Count > 0;
        if (simulated)
        {
            var mining = options.Site.Workloads.Where(w => w.Kind == WorkloadKind.Mining).Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
            services.AddSingleton(sp =>
            {
                var logger = sp.GetRequiredService<ILogger<SimulatedGpuPouwMining>>();
                var work = new CpuPouwWork(sp.GetRequiredService<InferenceShapesJobSource>(), sp.GetRequiredService<PouwTicketOutbox>(), PouwVerifier.Offline(clock), clock, logger);
                return new SimulatedGpuPouwMining(sp.GetRequiredService<IReadOnlyList<IGpuDevice>>(), mining.Contains, work, clock, logger);
            });
        }

        var where = simulated ? "CPU PoUW: the simulated GPUs' mining runs on this host's CPU, not on a GPU" : "on the CUDA GPUs (Kernels/pouw.cu)";
        services.AddHostedService(sp => new NodePouwService(sp.GetRequiredService<InferenceShapesJobSource>(), sp.GetRequiredService<PouwTicketOutbox>(), pouw, where,
            clock, sp.GetRequiredService<ILogger<NodePouwService>>(), simulated ? sp.GetRequiredService<SimulatedGpuPouwMining>() : null));
    }

    /// <summary>Connects, then ticks the agent every 100 ms; frequency readings from a polled meter go straight to it.</summary>
    private sealed class AgentService(MqttAgent agent, SignalRegistry signals, TimeProvider time, ILogger<AgentService> logger) : BackgroundService
    {
        public override async Task StartAsync(CancellationToken cancellationToken)
        {
            signals.Published += OnReading;
            await agent.StartAsync(cancellationToken);
            Log.AgentStarted(logger, agent.Core.Node, agent.Core.Gpus.Count, agent.Core.Gpus.Sum(g => g.MaxPower.Watts) / 1000);
            await base.StartAsync(cancellationToken);
        }

        public override async Task StopAsync(CancellationToken cancellationToken)
        {
            signals.Published -= OnReading;
            await base.StopAsync(cancellationToken);
            await agent.DisposeAsync();
        }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var timer = new PeriodicTimer(AgentTickService.Period, time);
            while (await timer.TickOrStopAsync(stoppingToken))
            {
                try
                {
                    await agent.TickAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    // Loop boundary: the dead-man still runs on the next tick.
                    Log.AgentTickFailed(logger, agent.Core.Node, e);
                }
            }
        }

        private void OnReading(Contracts.Readings.Reading reading)
        {
            if (reading.Signal == agent.Core.FrequencySignal)
            {
                _ = agent.OnFrequencyReadingAsync(reading, CancellationToken.None).AsTask();
            }
        }
    }
}
