using System.Collections.Concurrent;
using System.Threading.Channels;
using Energy.Gpu.Mining.Stratum;
using Energy.TestSupport.Stratum;
using Energy.TestSupport.Streams;

namespace Energy.Gpu.Tests.Mining.Stratum;

/// <summary>The connect seam for tests: each attempt opens an in-memory connection whose pool end the test plays.</summary>
internal sealed class InMemoryStratumConnector : IStratumConnector, IDisposable
{
    private readonly Channel<FakeStratumPool> _pools = Channel.CreateUnbounded<FakeStratumPool>();
    private readonly Channel<int> _attempts = Channel.CreateUnbounded<int>();
    private readonly ConcurrentQueue<FakeStratumPool> _opened = new();
    private int _attemptCount;

    public string Endpoint => "pool.test:3333";

    /// <summary>When true, attempts hang until cancelled, as a connect to a host that drops SYNs does.</summary>
    public bool Hang { get; set; }

    /// <summary>True when a connection was opened that <see cref="NextPoolAsync"/> has not handed out yet.</summary>
    public bool HasUnclaimedPool => _pools.Reader.TryPeek(out _);

    public async ValueTask<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        _attempts.Writer.TryWrite(Interlocked.Increment(ref _attemptCount));
        if (Hang)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }

        var (client, device) = DuplexPipeStream.CreatePair();
        var pool = new FakeStratumPool(device);
        _opened.Enqueue(pool);
        _pools.Writer.TryWrite(pool);
        return client;
    }

    public async Task<FakeStratumPool> NextPoolAsync() =>
        await _pools.Reader.ReadAsync().AsTask().WaitAsync(StratumClientHarness.Patience);

    /// <summary>Waits until the client called <see cref="ConnectAsync"/> once more; returns the attempt's number.</summary>
    public async Task<int> NextAttemptAsync() =>
        await _attempts.Reader.ReadAsync().AsTask().WaitAsync(StratumClientHarness.Patience);

    public void Dispose()
    {
        foreach (var pool in _opened)
        {
            pool.Dispose();
        }
    }
}
