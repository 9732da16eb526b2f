using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Energy.Gpu.Mining.Stratum;
using Energy.TestSupport.Stratum;

namespace Energy.IntegrationTests.Stratum;

/// <summary>
/// A Stratum pool in the test on 127.0.0.1, on a port the system picks: each accepted TCP connection
/// becomes a <see cref="FakeStratumPool"/> that the test plays.
/// </summary>
internal sealed class LoopbackStratumPool : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Channel<FakeStratumPool> _connections = Channel.CreateUnbounded<FakeStratumPool>();
    private readonly ConcurrentQueue<FakeStratumPool> _accepted = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public LoopbackStratumPool()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        Endpoint = StratumEndpoint.Parse($"stratum+tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}");
        _accepting = AcceptAsync();
    }

    public StratumEndpoint Endpoint { get; }

    public async Task<FakeStratumPool> NextConnectionAsync() =>
        await _connections.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var pool in _accepted)
        {
            pool.Dispose();
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptAsync(_stop.Token);
            var pool = new FakeStratumPool(new NetworkStream(socket, ownsSocket: true));
            _accepted.Enqueue(pool);
            _connections.Writer.TryWrite(pool);
        }
    }
}
