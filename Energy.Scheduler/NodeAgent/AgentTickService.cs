using Energy.Contracts.Sites;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Contracts.Readings;
using Energy.Gpu.Agents;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Hosting;

namespace Energy.Scheduler.NodeAgent;

/// <summary>
/// Drives the in-process agent of <c>heatgrid run</c>: its 100-ms tick (dead-man, held increases,
/// restore, evidence) and the grid frequency from the signal registry (the site meter polled over
/// Modbus, or an MQTT signal) or the agents' frequency topic, whichever the site file makes the source,
/// which the agent acts on itself the moment a reading arrives.
/// </summary>
public sealed class AgentTickService(AgentCore agent, SignalRegistry signals, DemandResponseLog evidence, TimeProvider time,
    MqttLink? mqtt = null, Site? site = null) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly string _frequencySignal = agent.FrequencySignal;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        signals.Published += OnReading;
        if (mqtt is not null && site is not null && agent.FrequencySource == FrequencySource.Topic)
        {
            // The same frequency topic agents on a broker watch: a relay or a test can publish a step there.
            mqtt.Subscribe(new AgentTopics(site.Name).Frequency, 0, message =>
            {
                if (!message.Retained && MqttAgent.TryReadFrequency(message.Payload.Span, message.ReceivedAt, out var sample, out _)
                    && agent.OnFrequency(sample, message.ReceivedAt) is { } e)
                {
                    evidence.Record(e);
                }

                return ValueTask.CompletedTask;
            });
        }

        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        signals.Published -= OnReading;
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.TickOrStopAsync(stoppingToken))
        {
            foreach (var e in agent.Tick())
            {
                evidence.Record(e);
            }
        }
    }

    private void OnReading(Reading reading)
    {
        if (reading.Signal != _frequencySignal || reading.Quality != Quality.Good || agent.FrequencySource != FrequencySource.Signal)
        {
            return;
        }

        if (agent.OnFrequency(new FrequencySample(reading.Value, reading.Timestamp), time.GetUtcNow()) is { } e)
        {
            evidence.Record(e);
        }
    }
}
