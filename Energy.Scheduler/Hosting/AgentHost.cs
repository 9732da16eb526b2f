using System.Globalization;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Sites;
using Energy.Gpu;
using Energy.Gpu.Agents;
using Energy.Gpu.Devices;
using Energy.Gpu.Simulation;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.NodeAgent;
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
public sealed record AgentRunOptions(Site Site, string Node, MqttBrokerOptions Broker, IReadOnlyList<(GpuPool Pool, int Count)> Simulated, bool PollMeter,
    AgentKeySource Keys);

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
            builder.Services.AddEnergyGpu(options.Node, new GpuBackendOptions { Mode = GpuBackendMode.Cuda });
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
            sp.GetRequiredService<AgentKeyRing>(), sp.GetRequiredService<GpuBackend>().Description, NodeAgentServices.Deadman, clock, sp.GetRequiredService<ILogger<MqttAgent>>()));
        builder.Services.AddHostedService<AgentService>();
        if (options.PollMeter)
        {
            var signal = options.Site.Policy.DemandResponse.FrequencySignal;
            builder.Services.AddModbusPolling(d => d.Points.Any(p => p.Signal == signal));
        }

        return builder.Build();
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
