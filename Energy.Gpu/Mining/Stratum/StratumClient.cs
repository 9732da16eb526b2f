using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Mining.Stratum;

/// <summary>
/// Stratum v1 client: line-delimited JSON-RPC over one connection at a time, opened by an
/// <see cref="IStratumConnector"/> (TCP in production, in-memory in tests). <see cref="RunAsync"/>
/// connects, subscribes, authorizes, then reads until the pool closes the connection, it fails, a line
/// exceeds <see cref="StratumClientOptions.MaxLineBytes"/> or the pool is silent for
/// <see cref="StratumClientOptions.ReadTimeout"/>; then it reconnects after a capped exponential
/// backoff timed by the injected <see cref="TimeProvider"/>. Jobs belong to the connection they came
/// on: a share for a job that a reconnect or <c>clean_jobs</c> dropped is counted stale, not submitted.
/// </summary>
public sealed class StratumClient
{
    private const int ExcerptChars = 120;

    private readonly StratumClientOptions _options;
    private readonly IStratumConnector _connector;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private StratumConnection? _connection;
    private StratumJob? _currentJob;
    private LinkState _link;
    private long _submitted;
    private long _accepted;
    private long _rejected;
    private long _stale;

    public StratumClient(StratumClientOptions options, IStratumConnector connector, TimeProvider timeProvider, ILogger<StratumClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _options = options;
        _connector = connector;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private enum LinkState
    {
        New,
        Up,
        Down,
    }

    /// <summary>Raised after subscribe and authorize succeeded on a (re)connection.</summary>
    public event EventHandler<StratumSubscription>? Connected;

    public event EventHandler<StratumJob>? JobReceived;

    public event EventHandler<double>? DifficultyChanged;

    /// <summary>Raised when the connection was lost, with the wait before the next attempt (already started).</summary>
    public event EventHandler<TimeSpan>? Reconnecting;

    /// <summary>True between a successful authorize and the end of that connection.</summary>
    public bool IsConnected => Volatile.Read(ref _connection) is not null;

    /// <summary>The extranonce1 in force on the current connection; null while disconnected.</summary>
    public StratumSubscription? Subscription => Volatile.Read(ref _connection)?.Subscription;

    /// <summary>The latest job of the current connection; null while disconnected.</summary>
    public StratumJob? CurrentJob => Volatile.Read(ref _currentJob);

    /// <summary>The share difficulty for the jobs that arrive next (1 until the pool sets one); each job keeps its own.</summary>
    public double Difficulty => Volatile.Read(ref _connection)?.Difficulty ?? 1;

    /// <summary>The share target for <see cref="Difficulty"/> (difficulty 1 = nBits 0x1d00ffff).</summary>
    public Target ShareTarget => Target.FromDifficulty(Difficulty);

    public StratumShareCounters Shares => new(
        Interlocked.Read(ref _submitted), Interlocked.Read(ref _accepted), Interlocked.Read(ref _rejected), Interlocked.Read(ref _stale));

    /// <summary>Runs until cancelled; a refused authorize ends it with <see cref="StratumAuthorizationException"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string reason;
            try
            {
                await RunConnectionAsync(() => failures = 0, cancellationToken);
                reason = "the pool closed the connection";
            }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException
                                        || (e is StratumProtocolException && e is not StratumAuthorizationException))
            {
                // The connection is gone, silent, or the pool sent garbage: all are retried after the backoff.
                cancellationToken.ThrowIfCancellationRequested();
                reason = e.Message;
            }

            var delay = ReconnectDelay(failures);
            failures = Math.Min(failures + 1, 30);
            var wait = Task.Delay(delay, _timeProvider, cancellationToken);
            ReportDown(reason, delay, failures);
            Reconnecting?.Invoke(this, delay);
            await wait;
        }
    }

    /// <summary>
    /// Submits a share for <paramref name="job"/>, or, when the job no longer belongs to the current
    /// connection, counts it stale and returns <see cref="StratumShareResult.StaleJob"/> without sending it.
    /// </summary>
    /// <exception cref="IOException">The connection ended before the pool answered.</exception>
    public async Task<StratumShareResult> SubmitAsync(StratumJob job, ReadOnlyMemory<byte> extranonce2, uint time, uint nonce, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Subscription is { } subscription)
        {
            ArgumentOutOfRangeException.ThrowIfNotEqual(extranonce2.Length, subscription.Extranonce2Size, nameof(extranonce2));
        }

        var connection = Volatile.Read(ref _connection);
        if (connection is null || !connection.IsLive(job))
        {
            Interlocked.Increment(ref _stale);
            Log.StratumStaleShareDropped(_logger, _connector.Endpoint, job.JobId);
            return StratumShareResult.StaleJob;
        }

        Interlocked.Increment(ref _submitted);
        var response = await connection.RequestAsync(
            "mining.submit",
            [
                _options.WorkerName,
                job.JobId,
                Convert.ToHexStringLower(extranonce2.Span),
                time.ToString("x8", CultureInfo.InvariantCulture),
                nonce.ToString("x8", CultureInfo.InvariantCulture),
            ],
            cancellationToken);
        if (response.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.True)
        {
            Interlocked.Increment(ref _accepted);
            Log.StratumShareAccepted(_logger, _connector.Endpoint, job.JobId);
            return StratumShareResult.Accept;
        }

        Interlocked.Increment(ref _rejected);
        var (code, reason) = StratumError.Read(response);
        Log.StratumShareRejected(_logger, _connector.Endpoint, job.JobId, StratumError.Describe(code, reason));
        return new StratumShareResult(false, code, reason);
    }

    private TimeSpan ReconnectDelay(int failures)
    {
        var ticks = _options.InitialReconnectDelay.Ticks * Math.Pow(2, failures);
        return ticks >= _options.MaxReconnectDelay.Ticks ? _options.MaxReconnectDelay : TimeSpan.FromTicks((long)ticks);
    }

    private async Task RunConnectionAsync(Action onAuthorized, CancellationToken cancellationToken)
    {
        var connection = new StratumConnection(await ConnectAsync(cancellationToken), _options, _timeProvider, cancellationToken);
        await using (connection)
        {
            connection.Reader = ReadLoopAsync(connection);
            try
            {
                var subscription = await SubscribeAsync(connection, cancellationToken);
                await AuthorizeAsync(connection, cancellationToken);
                Volatile.Write(ref _connection, connection);
                onAuthorized();
                _link = LinkState.Up;
                Log.StratumConnected(_logger, _connector.Endpoint, _options.WorkerName, Convert.ToHexStringLower(subscription.Extranonce1));
                Connected?.Invoke(this, subscription);
                await connection.Reader;
            }
            finally
            {
                Interlocked.CompareExchange(ref _connection, null, connection);
                Volatile.Write(ref _currentJob, null);
            }
        }
    }

    private async Task<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await _connector.ConnectAsync(linked.Token);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"cannot connect: no connection within {Milliseconds(_options.ConnectTimeout)} ms", e);
        }
        catch (SocketException e)
        {
            throw new IOException($"cannot connect: {e.Message}", e);
        }
    }

    private async Task<StratumSubscription> SubscribeAsync(StratumConnection connection, CancellationToken cancellationToken)
    {
        var answer = await connection.RequestAsync(
            "mining.subscribe",
            [_options.UserAgent],
            cancellationToken,
            applyAnswer: a =>
            {
                // Applied by the reader itself: a mining.notify right behind the answer needs the extranonce1.
                if (a.TryGetProperty("result", out var result) && result.ValueKind != JsonValueKind.Null)
                {
                    connection.Subscription = StratumSubscription.FromSubscribeResult(result);
                }
            });
        return connection.Subscription ?? throw new StratumProtocolException($"mining.subscribe failed: {StratumError.Describe(StratumError.Read(answer))}.");
    }

    private async Task AuthorizeAsync(StratumConnection connection, CancellationToken cancellationToken)
    {
        var answer = await connection.RequestAsync("mining.authorize", [_options.WorkerName, _options.Password], cancellationToken);
        if (answer.TryGetProperty("result", out var granted) && granted.ValueKind == JsonValueKind.True)
        {
            return;
        }

        var (code, reason) = StratumError.Read(answer);
        Log.StratumAuthorizeRefused(_logger, _connector.Endpoint, _options.WorkerName, StratumError.Describe(code, reason));
        throw new StratumAuthorizationException(
            $"The pool refused worker '{_options.WorkerName}'" + (reason is null ? "." : $": {reason} (code {code})."));
    }

    private async Task ReadLoopAsync(StratumConnection connection)
    {
        await Task.Yield();
        try
        {
            while (await ReadLineAsync(connection) is { } line)
            {
                // The clock restarts before the message is handled, so whoever the message wakes
                // finds the next deadline already set.
                connection.RestartSilenceClock();
                if (line.Span.IndexOfAnyExcept(" \t\r"u8) >= 0)
                {
                    Dispatch(connection, line);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or StratumProtocolException
                                    or OperationCanceledException or ObjectDisposedException)
        {
            connection.Close(e);
            throw;
        }
        finally
        {
            // Also after an event handler threw: nobody may wait for an answer on a dead connection.
            connection.Close(null);
        }
    }

    private async Task<ReadOnlyMemory<byte>?> ReadLineAsync(StratumConnection connection)
    {
        try
        {
            return await connection.Lines.ReadLineAsync(connection.ReadToken);
        }
        catch (OperationCanceledException e) when (connection.SilenceElapsed)
        {
            throw new TimeoutException($"no message from the pool for {Milliseconds(_options.ReadTimeout)} ms", e);
        }
    }

    private void Dispatch(StratumConnection connection, ReadOnlyMemory<byte> line)
    {
        try
        {
            using var message = JsonDocument.Parse(line);
            var root = message.RootElement;
            if (root.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String)
            {
                HandleNotification(connection, method.GetString()!, root.TryGetProperty("params", out var p) ? p : default);
            }
            else if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var requestId))
            {
                connection.Complete(requestId, root);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or IndexOutOfRangeException
                                    or FormatException or OverflowException or ArgumentException)
        {
            throw new StratumProtocolException($"The pool sent a message that is not Stratum v1 ({e.Message}): {Excerpt(line)}", e);
        }
    }

    private void HandleNotification(StratumConnection connection, string method, JsonElement parameters)
    {
        switch (method)
        {
            case "mining.set_difficulty":
                var difficulty = parameters[0].GetDouble();
                if (!double.IsFinite(difficulty) || difficulty <= 0)
                {
                    throw new StratumProtocolException($"mining.set_difficulty with {parameters.GetRawText()}.");
                }

                connection.Difficulty = difficulty;
                Log.StratumDifficultySet(_logger, _connector.Endpoint, difficulty);
                DifficultyChanged?.Invoke(this, difficulty);
                break;
            case "mining.notify":
                var subscription = connection.Subscription
                    ?? throw new StratumProtocolException("mining.notify before the mining.subscribe result: the job has no extranonce1.");
                var job = StratumJob.FromNotifyParams(parameters, subscription, connection.Difficulty);
                connection.AddJob(job);
                Volatile.Write(ref _currentJob, job);
                JobReceived?.Invoke(this, job);
                break;
            case "mining.set_extranonce":
                var changed = StratumSubscription.FromSetExtranonceParams(parameters);
                connection.Subscription = changed;
                Log.StratumExtranonceChanged(_logger, _connector.Endpoint, Convert.ToHexStringLower(changed.Extranonce1), changed.Extranonce2Size);
                break;
            default:
                // client.reconnect, client.show_message, client.get_version: not needed to mine.
                break;
        }
    }

    /// <summary>Logs a lost or failed connection once per change of state; further failures are the backoff at Debug.</summary>
    private void ReportDown(string reason, TimeSpan delay, int attempt)
    {
        var ms = Milliseconds(delay);
        switch (_link)
        {
            case LinkState.Up:
                Log.StratumDisconnected(_logger, _connector.Endpoint, reason, ms);
                break;
            case LinkState.New:
                Log.StratumConnectFailed(_logger, _connector.Endpoint, reason, ms);
                break;
            default:
                Log.StratumReconnectBackoff(_logger, _connector.Endpoint, reason, ms, attempt);
                break;
        }

        _link = LinkState.Down;
    }

    private static long Milliseconds(TimeSpan span) => (long)span.TotalMilliseconds;

    private static string Excerpt(ReadOnlyMemory<byte> line)
    {
        var text = Encoding.UTF8.GetString(line.Span[..Math.Min(line.Length, ExcerptChars * 4)]);
        return text.Length <= ExcerptChars ? text : string.Concat(text.AsSpan(0, ExcerptChars), "…");
    }
}
