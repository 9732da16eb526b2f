using System.Collections.Concurrent;
using Energy.Contracts.Readings;
using Energy.Contracts.Signals;
using Energy.Contracts.Sites;
using Energy.Telemetry.Mqtt;

namespace Energy.Telemetry.Signals;

/// <summary>
/// Subscribes every MQTT-mapped input of the site and turns each message into a reading of its signal
/// (Good, or Bad with the reason) in the registry. Bad payloads are counted per signal, never dropped.
/// </summary>
public sealed class MqttSignalIngest
{
    private readonly Site _site;
    private readonly SignalRegistry _signals;
    private readonly ConcurrentDictionary<string, long> _bad = new(StringComparer.Ordinal);
    private long _received;

    public MqttSignalIngest(Site site, SignalRegistry signals)
    {
        _site = site ?? throw new ArgumentNullException(nameof(site));
        _signals = signals;
    }

    public long Received => Interlocked.Read(ref _received);

    public long Bad => _bad.Values.Sum();

    /// <summary>Bad payloads per signal since start.</summary>
    public IReadOnlyDictionary<string, long> BadBySignal => _bad;

    public void Attach(MqttLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        foreach (var map in _site.TopicSignals)
        {
            var filter = new TopicFilter(map.Topic);
            link.Subscribe(map.Topic, map.Qos, message =>
            {
                Handle(map, filter, message.Topic, message.Payload.Span, message.ReceivedAt);
                return ValueTask.CompletedTask;
            });
        }
    }

    /// <summary>
    /// Marks each input of an exact topic that has no reading yet Bad, with the topic it waits for, so that a missing
    /// BMS or tenant feed shows in <c>/api/signals</c> from the start instead of being absent.
    /// </summary>
    public void ExpectAll(DateTimeOffset now)
    {
        foreach (var map in _site.TopicSignals.Where(m => !m.Topic.Contains('+', StringComparison.Ordinal) && !m.Topic.Contains('#', StringComparison.Ordinal)))
        {
            if (_signals.Latest(map.Signal) is null)
            {
                _signals.Publish(Reading.Bad(map.Signal, map.SignalUnitOf(map.Signal), $"no message on {map.Topic} since start", now, "mqtt:" + map.Topic), map.MaxAge);
            }
        }
    }

    /// <summary>One message of a mapped topic: parsed, published, counted.</summary>
    public void Handle(TopicSignal map, TopicFilter filter, string topic, ReadOnlySpan<byte> payload, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(filter);
        if (!filter.TryMatch(topic, out var captures))
        {
            return;
        }

        Interlocked.Increment(ref _received);
        var reading = PayloadParser.Parse(map, TopicFilter.Name(map.Signal, captures), payload, receivedAt, "mqtt:" + topic);
        if (!reading.IsGood)
        {
            _bad.AddOrUpdate(reading.Signal, 1, (_, n) => n + 1);
        }

        _signals.Publish(reading, map.MaxAge);
    }
}
