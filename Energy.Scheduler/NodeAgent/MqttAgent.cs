using System.Buffers.Text;
using System.Text;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Readings;
using Energy.Gpu.Agents;
using Energy.Scheduler.Controller.Agents;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.NodeAgent;

/// <summary>
/// One node agent on the broker: takes assignment batches and answers with acknowledgements, watches
/// the controller's epoch and the grid frequency itself (a shed needs no round trip), publishes
/// telemetry every second, a retained heartbeat, and demand-response evidence. The logic is
/// <see cref="AgentCore"/>'s; this class only carries messages. <see cref="TickAsync"/> is driven from
/// outside (every ~100 ms), so that one process can host many agents on one timer. Every message it
/// sends is signed with its key for its topic; a batch or an epoch announcement that is not signed with
/// its key is refused before it is read — it never changes what the agent follows — counted, logged
/// (rate-limited), and the refusal of a batch is acknowledged (signed) so that the controller sees it.
/// </summary>
public sealed class MqttAgent : IAsyncDisposable
{
    private static readonly TimeSpan TelemetryPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(30);

    private readonly AgentCore _core;
    private readonly MqttLink _link;
    private readonly AgentTopics _topics;
    private readonly AgentKeyRing _keys;
    private readonly RefusalCounter _refused;
    private readonly RefusalCounter _refusedAnnouncements;
    private readonly string _backend;
    private readonly TimeSpan _deadman;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private DateTimeOffset _nextTelemetry;
    private DateTimeOffset _nextHeartbeat;
    private long _badMessages;
    private long _frequencySamples;
    private int _heartbeatDue = 1;
    private DateTimeOffset _nextRefusalAck = DateTimeOffset.MinValue;
    private int _disposed;

    public MqttAgent(AgentCore core, MqttLink link, AgentTopics topics, AgentKeyRing keys, string backend, TimeSpan deadman, TimeProvider time,
        ILogger<MqttAgent> logger)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(keys);
        _core = core;
        _link = link;
        _topics = topics;
        _keys = keys;
        _refused = new RefusalCounter(time);
        _refusedAnnouncements = new RefusalCounter(time);
        if (!keys.Signs)
        {
            Log.ProtocolUnsigned(logger, "--insecure-unsigned");
        }

        _backend = backend;
        _deadman = deadman;
        _time = time;
        _logger = logger;
        _link.Subscribe(topics.Assign(core.Node), 1, OnAssignAsync);
        _link.Subscribe(topics.Controller, 1, OnControllerAsync);
        if (core.FrequencySource == Energy.Contracts.Policy.FrequencySource.Topic)
        {
            // Only the configured source counts: where the site meter gives the frequency, this topic is not listened to.
            _link.Subscribe(topics.Frequency, 0, OnFrequencyAsync);
        }

        _link.StateChanged += state =>
        {
            if (state == MqttLinkState.Connected)
            {
                Volatile.Write(ref _heartbeatDue, 1);
            }
        };
    }

    public AgentCore Core => _core;

    public MqttLink Link => _link;

    /// <summary>Messages that could not be read (broken JSON, unknown version), each logged and dropped.</summary>
    public long BadMessages => Interlocked.Read(ref _badMessages);

    /// <summary>Batches and epoch announcements refused because they were not signed with this agent's key.</summary>
    public long Forged => _refused.Total + _refusedAnnouncements.Total;

    /// <summary>Grid-frequency samples received (good or not).</summary>
    public long FrequencySamples => Interlocked.Read(ref _frequencySamples);

    public Task StartAsync(CancellationToken cancellationToken) => _link.StartAsync(cancellationToken);

    /// <summary>A grid-frequency reading from elsewhere (the site meter polled over Modbus by this agent's process).</summary>
    public async ValueTask OnFrequencyReadingAsync(Reading reading, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (reading.Quality != Quality.Good || _core.FrequencySource != Energy.Contracts.Policy.FrequencySource.Signal)
        {
            return;
        }

        Interlocked.Increment(ref _frequencySamples);
        var seen = _time.GetUtcNow();
        if (_core.OnFrequency(new FrequencySample(reading.Value, reading.Timestamp), seen) is { } evidence)
        {
            await PublishAsync(_topics.DrEvent(_core.Node), evidence, 1, cancellationToken);
        }
    }

    /// <summary>Dead-man, held increases, restore, evidence; telemetry each second and the heartbeat when due.</summary>
    public async ValueTask TickAsync(CancellationToken cancellationToken)
    {
        foreach (var evidence in _core.Tick())
        {
            await PublishAsync(_topics.DrEvent(_core.Node), evidence, 1, cancellationToken);
        }

        if (_link.State != MqttLinkState.Connected)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (Interlocked.Exchange(ref _heartbeatDue, 0) == 1 || now >= _nextHeartbeat)
        {
            _nextHeartbeat = now + HeartbeatPeriod;
            await PublishAsync(_topics.Heartbeat(_core.Node), _core.Heartbeat(true, _backend, _deadman), 1, cancellationToken, retain: true);
        }

        if (now >= _nextTelemetry)
        {
            _nextTelemetry = now + TelemetryPeriod;
            await PublishAsync(_topics.Telemetry(_core.Node), _core.Telemetry(), 0, cancellationToken);
        }
    }

    /// <summary>
    /// Says "offline" (retained heartbeat) and stops the link. Idempotent: the host's service stops it, and
    /// the container disposes it again at exit (a second call once threw ObjectDisposedException, exit code 1).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_link.State == MqttLinkState.Connected)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
            try
            {
                await PublishAsync(_topics.Heartbeat(_core.Node), _core.Heartbeat(false, _backend, _deadman), 1, timeout.Token, retain: true);
            }
            catch (OperationCanceledException)
            {
                // The broker is slow to answer; the last will says the same.
            }
        }

        await _stopping.CancelAsync();
        await _link.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary>Reads a frequency payload: a plain number in Hz (timed on arrival) or <c>{"hz": 49.87, "at": "…"}</c>.</summary>
    public static bool TryReadFrequency(ReadOnlySpan<byte> payload, DateTimeOffset receivedAt, out FrequencySample sample, out string reason)
    {
        var trimmed = payload.Trim(" \t\r\n"u8);
        if (Utf8Parser.TryParse(trimmed, out double hz, out var consumed) && consumed == trimmed.Length)
        {
            sample = new FrequencySample(hz, receivedAt);
            reason = string.Empty;
            return double.IsFinite(hz) || Fail(out reason, "not a finite number");
        }

        if (AgentJson.TryRead<FrequencySample>(trimmed, out var json, out reason))
        {
            sample = json.At == default ? json with { At = receivedAt } : json;
            return true;
        }

        sample = new FrequencySample(double.NaN, receivedAt);
        reason = $"not a frequency: '{Encoding.UTF8.GetString(trimmed[..Math.Min(trimmed.Length, 40)])}' ({reason})";
        return false;
    }

    private static bool Fail(out string reason, string why)
    {
        reason = why;
        return false;
    }

    private ValueTask OnAssignAsync(MqttInbound message)
    {
        if (message.Retained)
        {
            return ValueTask.CompletedTask;   // assignments are never retained; a stale one left on the broker is not followed
        }

        var check = _keys.Verify(message.Payload.Span, message.Topic, _core.Node);
        if (!check.Valid)
        {
            RefuseForgedBatch(message, check.Reason);
            return ValueTask.CompletedTask;
        }

        if (!AgentJson.TryRead<AssignmentBatch>(check.Content, out var batch, out var reason))
        {
            Bad(message.Topic, reason);
            return ValueTask.CompletedTask;
        }

        // Not awaited: the broker's PUBACK for it must not be waited for inside a message handler.
        Post(_topics.Ack(_core.Node), _core.Apply(batch), 1);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// A batch that does not verify is not applied. Its refusal is acknowledged, signed, with the epoch and
    /// sequence it claims (read, not believed), at most once a second so that a flood is not echoed.
    /// </summary>
    private void RefuseForgedBatch(MqttInbound message, string reason)
    {
        if (_refused.Count(_core.Node, out var count))
        {
            Log.AgentRefusedMessage(_logger, _core.Node, "an assignment batch", message.Topic, reason, count);
        }

        var now = _time.GetUtcNow();
        lock (_refused)
        {
            if (now < _nextRefusalAck)
            {
                return;
            }

            _nextRefusalAck = now + TimeSpan.FromSeconds(1);
        }

        var claimed = AgentJson.TryRead<AssignmentBatch>(message.Payload.Span, out var b, out _) ? (b.Epoch, b.Seq) : (0L, 0L);
        Post(_topics.Ack(_core.Node), new AssignmentAck(AgentJson.Version, _core.Node, claimed.Item1, claimed.Item2, now, _core.CommandedW, 0,
            AgentSignature.RefusalPrefix + reason, []), 1);
    }

    private ValueTask OnControllerAsync(MqttInbound message)
    {
        if (message.Payload.IsEmpty)
        {
            return ValueTask.CompletedTask;   // a cleared retained announcement
        }

        var check = _keys.VerifyFor(message.Payload.Span, message.Topic, _core.Node);
        if (!check.Valid)
        {
            if (_refusedAnnouncements.Count(_core.Node, out var count))
            {
                Log.AgentRefusedMessage(_logger, _core.Node, "an epoch announcement", message.Topic, check.Reason, count);
            }

            return ValueTask.CompletedTask;
        }

        if (AgentJson.TryRead<ControllerAnnouncement>(check.Content, out var announcement, out var reason))
        {
            _core.ObserveEpoch(announcement.Epoch);
        }
        else
        {
            Bad(message.Topic, reason);
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask OnFrequencyAsync(MqttInbound message)
    {
        Interlocked.Increment(ref _frequencySamples);
        if (message.Retained)
        {
            return ValueTask.CompletedTask;   // an old retained sample says nothing about the grid now
        }

        if (!TryReadFrequency(message.Payload.Span, message.ReceivedAt, out var sample, out var reason))
        {
            Bad(message.Topic, reason);
            return ValueTask.CompletedTask;
        }

        if (_core.OnFrequency(sample, message.ReceivedAt) is { } evidence)
        {
            Post(_topics.DrEvent(_core.Node), evidence, 1);
        }

        return ValueTask.CompletedTask;
    }

    private void Post<T>(string topic, T message, int qos)
        where T : class
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _ = PostAsync(topic, message, qos);
        }
    }

    private async Task PostAsync<T>(string topic, T message, int qos)
        where T : class
    {
        try
        {
            await PublishAsync(topic, message, qos, _stopping.Token);
        }
        catch (OperationCanceledException) when (Volatile.Read(ref _disposed) == 1)
        {
            // stopping
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) == 1)
        {
            // stopped while this message was on its way out
        }
        catch (Exception e)
        {
            // A fire-and-forget boundary: a failed publish is logged, never lost silently, never fatal.
            Log.AgentPublishError(_logger, _core.Node, topic, e);
        }
    }

    private void Bad(string topic, string reason)
    {
        if (Interlocked.Increment(ref _badMessages) <= 10)
        {
            Log.AgentBadMessage(_logger, _core.Node, topic, reason);
        }
    }

    private async ValueTask PublishAsync<T>(string topic, T message, int qos, CancellationToken cancellationToken, bool retain = false)
        where T : class
    {
        if (!await _link.PublishAsync(topic, _keys.Sign(message, topic, _core.Node), qos, retain, cancellationToken))
        {
            Log.AgentPublishFailed(_logger, _core.Node, topic);
        }
    }
}
