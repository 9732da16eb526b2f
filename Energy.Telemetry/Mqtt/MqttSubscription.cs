using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;

namespace Energy.Telemetry.Mqtt;

/// <summary>
/// One remembered subscription: its filter, QoS, handler and the MQTT 5 subscription identifier the
/// broker echoes in each message it delivers for it. Handler failures are caught here, so that one
/// bad handler neither kills the link nor holds back messages for other filters.
/// </summary>
internal sealed class MqttSubscription(uint id, string filter, MqttQualityOfServiceLevel qos, Func<MqttInbound, ValueTask> handler, ILogger logger)
{
    private long _failures;

    /// <summary>1, 2, 3… in the order of subscribing; MQTT 5 allows 1..268,435,455 (§3.8.2.1.2).</summary>
    public uint Id { get; } = id;

    public string Filter { get; } = filter;

    public MqttQualityOfServiceLevel Qos { get; } = qos;

    /// <summary>
    /// Runs the handler. Only the first failure of a run is logged (with its exception); the run's
    /// length is logged when the handler works again, so a handler failing on every message of a
    /// 20k msg/s stream costs a counter, not a log line each.
    /// </summary>
    public async ValueTask InvokeAsync(MqttInbound message)
    {
        try
        {
            await handler(message);
        }
#pragma warning disable CA1031 // Handler boundary: any exception of caller code is caught so that the link goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (_failures++ == 0)
            {
                Log.MqttHandlerFailed(logger, Filter, message.Topic, e);
            }

            return;
        }

        if (_failures > 0)
        {
            Log.MqttHandlerRecovered(logger, Filter, _failures);
            _failures = 0;
        }
    }
}
