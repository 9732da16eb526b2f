using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Energy.Gpu.Mining.Stratum;

/// <summary>
/// Stratum v1 client: line-delimited JSON-RPC over one stream (TCP in production, in-memory in tests).
/// <see cref="RunAsync"/> connects, subscribes, authorizes, then reads notifications until the stream
/// ends, and reconnects after a capped exponential backoff timed by the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class StratumClient : IDisposable
{
    private readonly StratumClientOptions _options;
    private readonly Func<CancellationToken, ValueTask<Stream>> _connect;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private long _nextId;
    private Connection? _connection;
    private StratumSubscription? _subscription;
    private StratumJob? _currentJob;
    private double _difficulty = 1;

    public StratumClient(StratumClientOptions options, Func<CancellationToken, ValueTask<Stream>> connect, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(connect);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrEmpty(options.WorkerName, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.InitialReconnectDelay, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxReconnectDelay, options.InitialReconnectDelay, nameof(options));
        _options = options;
        _connect = connect;
        _timeProvider = timeProvider;
    }

    /// <summary>Raised after subscribe and authorize succeeded on a (re)connection.</summary>
    public event EventHandler<StratumSubscription>? Connected;

    public event EventHandler<StratumJob>? JobReceived;

    public event EventHandler<double>? DifficultyChanged;

    /// <summary>Raised when the connection was lost, with the wait before the next attempt (already started).</summary>
    public event EventHandler<TimeSpan>? Reconnecting;

    public StratumSubscription? Subscription => Volatile.Read(ref _subscription);

    public StratumJob? CurrentJob => Volatile.Read(ref _currentJob);

    public double Difficulty => Volatile.Read(ref _difficulty);

    /// <summary>The share target for the pool's current difficulty (difficulty 1 = nBits 0x1d00ffff).</summary>
    public Target ShareTarget => Target.FromDifficulty(Difficulty);

    public void Dispose() => _writeLock.Dispose();

    public BlockHeader BuildHeader(StratumJob job, ReadOnlySpan<byte> extranonce2, uint? time = null, uint nonce = 0)
    {
        var subscription = Subscription ?? throw new InvalidOperationException("Not subscribed: no extranonce1 yet.");
        ArgumentOutOfRangeException.ThrowIfNotEqual(extranonce2.Length, subscription.Extranonce2Size, nameof(extranonce2));
        return StratumHeaderBuilder.Build(job, subscription.Extranonce1, extranonce2, time, nonce);
    }

    /// <summary>Runs until cancelled; a refused authorize ends it with <see cref="StratumAuthorizationException"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await RunConnectionAsync(() => failures = 0, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or JsonException or FormatException
                                        || (e is StratumProtocolException && e is not StratumAuthorizationException))
            {
                // The connection is gone or the pool sent garbage: both are retried after the backoff.
            }

            var delay = ReconnectDelay(failures);
            failures = Math.Min(failures + 1, 30);
            var wait = Task.Delay(delay, _timeProvider, cancellationToken);
            Reconnecting?.Invoke(this, delay);
            await wait.ConfigureAwait(false);
        }
    }

    public async Task<StratumShareResult> SubmitAsync(StratumJob job, ReadOnlyMemory<byte> extranonce2, uint time, uint nonce, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var connection = Volatile.Read(ref _connection) ?? throw new InvalidOperationException("Not connected to the pool.");
        var response = await RequestAsync(
            connection,
            "mining.submit",
            [
                _options.WorkerName,
                job.JobId,
                Convert.ToHexStringLower(extranonce2.Span),
                time.ToString("x8", CultureInfo.InvariantCulture),
                nonce.ToString("x8", CultureInfo.InvariantCulture),
            ],
            cancellationToken).ConfigureAwait(false);
        if (response.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.True)
        {
            return StratumShareResult.Accept;
        }

        var (code, reason) = ReadError(response);
        return new StratumShareResult(false, code, reason);
    }

    private TimeSpan ReconnectDelay(int failures)
    {
        var ticks = _options.InitialReconnectDelay.Ticks * Math.Pow(2, failures);
        return ticks >= _options.MaxReconnectDelay.Ticks ? _options.MaxReconnectDelay : TimeSpan.FromTicks((long)ticks);
    }

    private async Task RunConnectionAsync(Action onAuthorized, CancellationToken cancellationToken)
    {
        var stream = await _connect(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var connection = new Connection(stream);
            connection.Reader = ReadLoopAsync(connection, cancellationToken);
            try
            {
                var subscribed = await RequestAsync(connection, "mining.subscribe", [_options.UserAgent], cancellationToken).ConfigureAwait(false);
                if (!subscribed.TryGetProperty("result", out var result) || result.ValueKind == JsonValueKind.Null)
                {
                    throw new StratumProtocolException($"mining.subscribe failed: {ReadError(subscribed).Reason}.");
                }

                var subscription = StratumSubscription.FromSubscribeResult(result);
                Volatile.Write(ref _subscription, subscription);
                var authorized = await RequestAsync(connection, "mining.authorize", [_options.WorkerName, _options.Password], cancellationToken).ConfigureAwait(false);
                if (!authorized.TryGetProperty("result", out var granted) || granted.ValueKind != JsonValueKind.True)
                {
                    var (code, reason) = ReadError(authorized);
                    throw new StratumAuthorizationException(
                        $"The pool refused worker '{_options.WorkerName}'" + (reason is null ? "." : $": {reason} (code {code})."));
                }

                Volatile.Write(ref _connection, connection);
                onAuthorized();
                Connected?.Invoke(this, subscription);
                await connection.Reader.ConfigureAwait(false);
            }
            finally
            {
                Interlocked.CompareExchange(ref _connection, null, connection);
                connection.FailPending();
            }
        }
    }

    private async Task ReadLoopAsync(Connection connection, CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var reader = new StreamReader(connection.Stream, Encoding.UTF8, false, 4096, leaveOpen: true);
        try
        {
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                using var message = JsonDocument.Parse(line);
                var root = message.RootElement;
                if (root.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String)
                {
                    HandleNotification(method.GetString()!, root.TryGetProperty("params", out var p) ? p : default);
                }
                else if (root.TryGetProperty("id", out var id) && id.TryGetInt64(out var requestId)
                    && connection.Pending.TryRemove(requestId, out var pending))
                {
                    pending.TrySetResult(root.Clone());
                }
            }
        }
        finally
        {
            connection.Closed = true;
            connection.FailPending();
        }
    }

    private void HandleNotification(string method, JsonElement parameters)
    {
        switch (method)
        {
            case "mining.set_difficulty":
                var difficulty = parameters[0].GetDouble();
                if (!double.IsFinite(difficulty) || difficulty <= 0)
                {
                    throw new StratumProtocolException($"mining.set_difficulty with {parameters.GetRawText()}.");
                }

                Volatile.Write(ref _difficulty, difficulty);
                DifficultyChanged?.Invoke(this, difficulty);
                break;
            case "mining.notify":
                var job = StratumJob.FromNotifyParams(parameters);
                Volatile.Write(ref _currentJob, job);
                JobReceived?.Invoke(this, job);
                break;
            default:
                // client.reconnect, client.show_message, mining.set_extranonce: not needed for v1 mining.
                break;
        }
    }

    private async Task<JsonElement> RequestAsync(Connection connection, string method, string[] parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var response = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Pending[id] = response;
        if (connection.Closed)
        {
            // The reader may have failed the pending requests just before this one was added.
            connection.FailPending();
        }

        var buffer = new MemoryStream();
        await using (buffer.ConfigureAwait(false))
        {
            var writer = new Utf8JsonWriter(buffer);
            await using (writer.ConfigureAwait(false))
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", id);
                writer.WriteString("method", method);
                writer.WriteStartArray("params");
                foreach (var parameter in parameters)
                {
                    writer.WriteStringValue(parameter);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await connection.Stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
                await connection.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }

        return await response.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stratum errors are <c>[code, message, traceback]</c>; some pools send an object or a bare string.</summary>
    private static (int? Code, string? Reason) ReadError(JsonElement response)
    {
        if (!response.TryGetProperty("error", out var error))
        {
            return (null, null);
        }

        return error.ValueKind switch
        {
            JsonValueKind.Array when error.GetArrayLength() >= 2 =>
                (error[0].TryGetInt32(out var code) ? code : null, error[1].ToString()),
            JsonValueKind.Object => (
                error.TryGetProperty("code", out var c) && c.TryGetInt32(out var objectCode) ? objectCode : null,
                error.TryGetProperty("message", out var m) ? m.ToString() : error.GetRawText()),
            JsonValueKind.String => (null, error.GetString()),
            _ => (null, null),
        };
    }

    private sealed class Connection(Stream stream)
    {
        public Stream Stream { get; } = stream;

        public ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> Pending { get; } = new();

        public Task Reader { get; set; } = Task.CompletedTask;

        public bool Closed
        {
            get => Volatile.Read(ref _closed);
            set => Volatile.Write(ref _closed, value);
        }

        private bool _closed;

        public void FailPending()
        {
            foreach (var id in Pending.Keys)
            {
                if (Pending.TryRemove(id, out var pending))
                {
                    pending.TrySetException(new IOException("The pool connection closed before it answered."));
                }
            }
        }
    }
}
