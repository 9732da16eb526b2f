using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Energy.Gpu.Mining;
using Energy.Gpu.Mining.Stratum;
using Energy.TestSupport.Logging;
using Energy.TestSupport.Stratum;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.IntegrationTests.Stratum;

/// <summary>
/// The Stratum client over real TCP against a pool in the test on 127.0.0.1. Waits (backoff, read
/// timeout) run on fake time, so each test takes milliseconds and none depends on the machine's speed.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync")]
public sealed class StratumTcpTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly byte[] Extranonce2 = [0, 0, 0, 1];

    private readonly LoopbackStratumPool _pool = new();
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLogger<StratumClient> _log = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<StratumJob> _jobs = Channel.CreateUnbounded<StratumJob>();
    private readonly Channel<TimeSpan> _reconnects = Channel.CreateUnbounded<TimeSpan>();
    private readonly Channel<StratumSubscription> _connected = Channel.CreateUnbounded<StratumSubscription>();
    private readonly StratumClientOptions _options = new()
    {
        WorkerName = FakeStratumPool.WorkerName,
        InitialReconnectDelay = TimeSpan.FromSeconds(1),
        MaxReconnectDelay = TimeSpan.FromSeconds(8),
        ReadTimeout = TimeSpan.FromSeconds(30),
        MaxLineBytes = 4096,
    };

    private Task? _run;
    private bool _errorsExpected;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _pool.DisposeAsync();
        _stop.Dispose();
        if (!_errorsExpected)
        {
            Assert.DoesNotContain(_log.Entries, e => e.Level >= LogLevel.Error);
        }
    }

    [Fact]
    public async Task Handshake_NotifyAndSubmit_AcceptedThenRejectedWithThePoolsReason()
    {
        var client = Start();
        var pool = await HandshakeAsync();
        await pool.SetDifficultyAsync(1.0 / (1 << 20));
        await pool.NotifyAsync("job-42");
        var job = await NextAsync(_jobs);
        var found = new CpuNonceSearch(_time).Search(job.BuildHeader(Extranonce2), job.ShareTarget, 0, 1 << 16);
        Assert.NotEmpty(found.Nonces);

        var accepted = client.SubmitAsync(job, Extranonce2, job.Time, found.Nonces[0]);
        var fields = await pool.AnswerSubmitAsync(accept: true);
        var rejected = client.SubmitAsync(job, Extranonce2, job.Time, found.Nonces[0]);
        await pool.AnswerSubmitAsync(accept: false, error: """[22,"duplicate share",null]""");

        Assert.Equal(["rig1.gpu0", "job-42", "00000001"], fields[..3]);
        Assert.Equal(StratumShareResult.Accept, await accepted.WaitAsync(Patience));
        Assert.Equal(new StratumShareResult(false, 22, "duplicate share"), await rejected.WaitAsync(Patience));
        Assert.Equal(new StratumShareCounters(Submitted: 2, Accepted: 1, Rejected: 1, Stale: 0), client.Shares);
        Assert.Equal($"Connected to Stratum pool {_pool.Endpoint} as worker rig1.gpu0, extranonce1 08000002", Assert.Single(_log.WithEventId(2180)).Message);
        Assert.EndsWith("duplicate share (code 22)", Assert.Single(_log.WithEventId(2186)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizeRefused_ClientStopsAndLogsTheReason()
    {
        _errorsExpected = true;
        Start();
        var pool = await _pool.NextConnectionAsync();

        await pool.HandshakeAsync(authorize: false);

        await Assert.ThrowsAsync<StratumAuthorizationException>(() => _run!.WaitAsync(Patience));
        Assert.Contains("unauthorized worker (code 24)", Assert.Single(_log.WithEventId(2184)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoolClosesTheConnection_ReconnectsAfterBackoffAndTheOldJobsShareIsStale()
    {
        var client = Start();
        var first = await HandshakeAsync();
        await first.NotifyAsync("1");
        var old = await NextAsync(_jobs);

        first.Dispose();
        var delay = await NextAsync(_reconnects);
        Assert.Equal(TimeSpan.FromSeconds(1), delay);
        Assert.True((await client.SubmitAsync(old, Extranonce2, old.Time, 0)).Stale);

        _time.Advance(delay);
        var second = await HandshakeAsync();
        await second.NotifyAsync("1");
        var fresh = await NextAsync(_jobs);
        Assert.True((await client.SubmitAsync(old, Extranonce2, old.Time, 0)).Stale);
        var submitted = client.SubmitAsync(fresh, Extranonce2, fresh.Time, 9);

        // The first request the new connection sees after the handshake is the fresh share.
        Assert.Equal("00000009", (await second.AnswerSubmitAsync(accept: true))[4]);
        Assert.True((await submitted.WaitAsync(Patience)).Accepted);
        Assert.Equal(new StratumShareCounters(Submitted: 1, Accepted: 1, Rejected: 0, Stale: 2), client.Shares);
        Assert.Contains("the pool closed the connection", Assert.Single(_log.WithEventId(2181)).Message, StringComparison.Ordinal);
        Assert.Equal(2, _log.WithEventId(2180).Count);
    }

    [Fact]
    public async Task OverLongLine_ProtocolErrorClosesTheConnectionAndTheClientReconnects()
    {
        Start();
        var pool = await HandshakeAsync();

        await pool.SendRawAsync(Encoding.ASCII.GetBytes(new string('x', 64 * 1024)));

        var delay = await NextAsync(_reconnects);
        Assert.Contains("more than 4096 bytes without a line feed", Assert.Single(_log.WithEventId(2181)).Message, StringComparison.Ordinal);
        _time.Advance(delay);
        await HandshakeAsync();
    }

    [Fact]
    public async Task SilentPool_ReadTimeoutClosesTheConnectionAndTheClientReconnects()
    {
        Start();
        var pool = await HandshakeAsync();

        _time.Advance(_options.ReadTimeout);

        var delay = await NextAsync(_reconnects);
        Assert.Contains("no message from the pool for 30000 ms", Assert.Single(_log.WithEventId(2181)).Message, StringComparison.Ordinal);
        Assert.True(await pool.ClientClosedAsync());
        _time.Advance(delay);
        await HandshakeAsync();
    }

    [Fact]
    public async Task NothingListening_ConnectRefusedIsLoggedOnceAndRetriedWithBackoff()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        Start(StratumEndpoint.Parse($"stratum+tcp://127.0.0.1:{port}"));

        Assert.Equal(TimeSpan.FromSeconds(1), await NextAsync(_reconnects));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(2), await NextAsync(_reconnects));
        Assert.Contains("cannot connect: Connection refused", Assert.Single(_log.WithEventId(2182)).Message, StringComparison.Ordinal);
        Assert.Single(_log.WithEventId(2183));
    }

    private StratumClient Start(StratumEndpoint? endpoint = null)
    {
        var client = new StratumClient(_options, new TcpStratumConnector(endpoint ?? _pool.Endpoint), _time, _log);
        client.JobReceived += (_, j) => _jobs.Writer.TryWrite(j);
        client.Reconnecting += (_, d) => _reconnects.Writer.TryWrite(d);
        client.Connected += (_, s) => _connected.Writer.TryWrite(s);
        _run = client.RunAsync(_stop.Token);
        return client;
    }

    private async Task<FakeStratumPool> HandshakeAsync()
    {
        var pool = await _pool.NextConnectionAsync();
        await pool.HandshakeAsync();
        await NextAsync(_connected);
        return pool;
    }

    private static async Task<T> NextAsync<T>(Channel<T> channel) => await channel.Reader.ReadAsync().AsTask().WaitAsync(Patience);
}
