using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Mqtt;

/// <summary>
/// Where a link stands, and the logging of it once per change: a broker down for an hour is one
/// warning and a run of Debug lines, not 120 warnings. Written by the supervisor only; read anywhere.
/// </summary>
internal sealed class MqttLinkStatus(MqttBrokerOptions options, TimeProvider time, ILogger logger)
{
    private readonly string _broker = options.ToString();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile MqttLinkState _state = MqttLinkState.Disconnected;
    private volatile string? _lastError;
    private bool _everConnected;
    private long _downSince;

    public event Action<MqttLinkState>? Changed;

    public MqttLinkState State => _state;

    public string? LastError => _lastError;

    /// <summary>Completes when the first attempt has an outcome, or the link stops.</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    /// <summary>Completed while connected; replaced by a pending one when the connection is lost.</summary>
    public Task Connected => Volatile.Read(ref _connected).Task;

    public void Starting() => Set(MqttLinkState.Connecting, null);

    public void Connect(bool sessionPresent)
    {
        if (!_everConnected)
        {
            Log.MqttConnected(logger, _broker, options.ClientId, sessionPresent);
        }
        else
        {
            Log.MqttReconnected(logger, _broker, Milliseconds(time.GetElapsedTime(_downSince)), sessionPresent);
            if (!sessionPresent && options.SessionExpiry > TimeSpan.Zero)
            {
                Log.MqttSessionLost(logger, _broker, options.ClientId);
            }
        }

        _everConnected = true;
        Set(MqttLinkState.Connected, null);
        _firstAttempt.TrySetResult();
    }

    /// <summary>A failed attempt: logged when the state or, for a refusal, the reason changes; repeats go to Debug.</summary>
    public void Fail(string error, bool refused, TimeSpan wait)
    {
        var next = refused ? MqttLinkState.Refused : MqttLinkState.Disconnected;
        var ms = Milliseconds(wait);
        if (next == _state && (next == MqttLinkState.Disconnected || error == _lastError))
        {
            Log.MqttReconnectFailed(logger, _broker, error, ms);
        }
        else if (refused)
        {
            Log.MqttRefused(logger, _broker, options.ClientId, error, ms);
        }
        else
        {
            Log.MqttConnectFailed(logger, _broker, error, ms);
        }

        if (_state is MqttLinkState.Connecting or MqttLinkState.Connected)
        {
            _downSince = time.GetTimestamp();
        }

        Set(next, error);
        _firstAttempt.TrySetResult();
    }

    public void Lose(string reason)
    {
        Log.MqttConnectionLost(logger, _broker, reason);
        _downSince = time.GetTimestamp();
        Set(MqttLinkState.Disconnected, reason);
    }

    public void Stop()
    {
        _firstAttempt.TrySetResult();
        Set(MqttLinkState.Disconnected, _lastError);
    }

    public static long Milliseconds(TimeSpan span) => (long)Math.Ceiling(span.TotalMilliseconds);

    private void Set(MqttLinkState state, string? error)
    {
        _lastError = error;
        if (_state == state)
        {
            return;
        }

        _state = state;
        if (state != MqttLinkState.Connected && Volatile.Read(ref _connected).Task.IsCompleted)
        {
            Volatile.Write(ref _connected, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        Raise(state);

        // Observers first, then waiters: whoever waited for "connected" finds every observer told.
        if (state == MqttLinkState.Connected)
        {
            Volatile.Read(ref _connected).TrySetResult();
        }
    }

    private void Raise(MqttLinkState state)
    {
        if (Changed is not { } handlers)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((Action<MqttLinkState>)handler)(state);
            }
#pragma warning disable CA1031 // Subscriber boundary: a failing observer must not stop the supervisor.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.MqttStateSubscriberFailed(logger, _broker, e);
            }
        }
    }
}
