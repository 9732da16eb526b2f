using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;

namespace Energy.Gpu.Mining.Stratum;

/// <summary>
/// One connection to the pool and what belongs to it alone: requests waiting for their answers, the
/// extranonce1 and share difficulty in force, the jobs a share may still be submitted for, and the
/// silence clock. Nothing carries over to the next connection: the pool may hand out another
/// extranonce1 and start its job ids over, so an old job with a familiar id is still not current work.
/// </summary>
internal sealed class StratumConnection : IAsyncDisposable
{
    // Between blocks a pool refreshes work with clean_jobs=false every 30–60 s and forgets old jobs
    // itself after a while; a window of recent jobs is all a share can still be good for.
    private const int MaxLiveJobs = 32;

    private readonly ConcurrentDictionary<long, PendingRequest> _pending = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime;
    private readonly CancellationTokenSource _silence;
    private readonly CancellationTokenSource _reading;
    private readonly TimeSpan _readTimeout;
    private readonly Lock _jobsLock = new();
    private readonly Dictionary<string, StratumJob> _jobs = new(StringComparer.Ordinal);
    private readonly Queue<StratumJob> _jobOrder = new();
    private long _nextId;
    private int _closed;
    private Exception? _closedBy;
    private StratumSubscription? _subscription;
    private double _difficulty = 1;

    /// <summary>Takes ownership of <paramref name="stream"/>; the silence clock starts now.</summary>
    public StratumConnection(Stream stream, StratumClientOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        Stream = stream;
        Lines = new StratumLineReader(stream, options.MaxLineBytes);
        _readTimeout = options.ReadTimeout;
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _silence = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _reading = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token, _silence.Token);
        RestartSilenceClock();
    }

    public Stream Stream { get; }

    public StratumLineReader Lines { get; }

    /// <summary>For reads: cancelled when the connection is disposed, the client stops, or the pool was silent too long.</summary>
    public CancellationToken ReadToken => _reading.Token;

    /// <summary>True when <see cref="ReadToken"/> was cancelled by the silence clock, not by shutdown.</summary>
    public bool SilenceElapsed => _silence.IsCancellationRequested && !_lifetime.IsCancellationRequested;

    /// <summary>The task reading this connection; set once, right after construction.</summary>
    public Task Reader { get; set; } = Task.CompletedTask;

    /// <summary>The extranonce1 for jobs that arrive next: from mining.subscribe, then mining.set_extranonce.</summary>
    public StratumSubscription? Subscription
    {
        get => Volatile.Read(ref _subscription);
        set => Volatile.Write(ref _subscription, value);
    }

    /// <summary>The share difficulty for jobs that arrive next.</summary>
    public double Difficulty
    {
        get => Volatile.Read(ref _difficulty);
        set => Volatile.Write(ref _difficulty, value);
    }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>A message arrived: the pool has <c>ReadTimeout</c> again for the next one.</summary>
    public void RestartSilenceClock() => _silence.CancelAfter(_readTimeout);

    /// <summary>Keeps <paramref name="job"/> as current work; <c>clean_jobs</c> drops every earlier job first.</summary>
    public void AddJob(StratumJob job)
    {
        lock (_jobsLock)
        {
            if (job.CleanJobs)
            {
                _jobs.Clear();
                _jobOrder.Clear();
            }

            _jobs[job.JobId] = job;
            _jobOrder.Enqueue(job);
            while (_jobOrder.Count > MaxLiveJobs)
            {
                var oldest = _jobOrder.Dequeue();
                if (_jobs.TryGetValue(oldest.JobId, out var live) && ReferenceEquals(live, oldest))
                {
                    _jobs.Remove(oldest.JobId);
                }
            }
        }
    }

    /// <summary>True when <paramref name="job"/> itself (not just its id) is still work on this connection.</summary>
    public bool IsLive(StratumJob job)
    {
        lock (_jobsLock)
        {
            return _jobs.TryGetValue(job.JobId, out var live) && ReferenceEquals(live, job);
        }
    }

    /// <summary>
    /// Sends a request and waits for its answer. <paramref name="applyAnswer"/> runs on the reader
    /// before the caller wakes, so that state the answer sets is in place for the very next message.
    /// </summary>
    /// <exception cref="IOException">The connection failed or closed before the answer.</exception>
    public async Task<JsonElement> RequestAsync(string method, IReadOnlyList<string> parameters, CancellationToken cancellationToken, Action<JsonElement>? applyAnswer = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = new PendingRequest(answer, applyAnswer);
        if (IsClosed)
        {
            // The reader may have failed the pending requests just before this one was added.
            FailPending();
        }

        try
        {
            await WriteLineAsync(Serialize(id, method, parameters), cancellationToken);
            return await answer.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Hands an answer to the request with <paramref name="id"/>; answers nobody waits for any more are dropped.</summary>
    public void Complete(long id, JsonElement answer)
    {
        if (!_pending.TryGetValue(id, out var request))
        {
            return;
        }

        request.Apply?.Invoke(answer);
        if (_pending.TryRemove(id, out _))
        {
            request.Answer.TrySetResult(answer.Clone());
        }
    }

    /// <summary>Marks the connection closed and fails the requests still waiting; the first cause given is kept.</summary>
    public void Close(Exception? cause)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            Volatile.Write(ref _closedBy, cause);
        }

        FailPending();
    }

    public async ValueTask DisposeAsync()
    {
        Close(null);
        await _lifetime.CancelAsync();
        await Stream.DisposeAsync();

        // The reader ends with the cancellation or the closed stream. Whoever awaited it already saw
        // how it ended; here only its end matters.
        await Reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _reading.Dispose();
        _silence.Dispose();
        _lifetime.Dispose();
        _writeLock.Dispose();
    }

    private static ReadOnlyMemory<byte> Serialize(long id, string method, IReadOnlyList<string> parameters)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
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

        buffer.Write("\n"u8);
        return buffer.WrittenMemory;
    }

    private async Task WriteLineAsync(ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
    {
        try
        {
            await _writeLock.WaitAsync(cancellationToken);
            try
            {
                // The connection's token, not the caller's: a write cut off halfway would leave half
                // a line on the wire and garble the next request.
                await Stream.WriteAsync(line, _lifetime.Token);
                await Stream.FlushAsync(_lifetime.Token);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (ObjectDisposedException e)
        {
            throw new IOException("The pool connection is closed.", e);
        }
    }

    private void FailPending()
    {
        var cause = Volatile.Read(ref _closedBy);
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var request))
            {
                request.Answer.TrySetException(cause is null
                    ? new IOException("The pool closed the connection before it answered.")
                    : new IOException($"The pool connection failed before it answered: {cause.Message}", cause));
            }
        }
    }

    private sealed record PendingRequest(TaskCompletionSource<JsonElement> Answer, Action<JsonElement>? Apply);
}
