using System.Globalization;
using System.Threading.Channels;
using Energy.Gpu.Mining;
using Energy.Gpu.Mining.Stratum;
using Energy.TestSupport.Streams;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Mining.Stratum;

public sealed class StratumClientTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly Channel<FakeStratumPool> _pools = Channel.CreateUnbounded<FakeStratumPool>();
    private readonly List<FakeStratumPool> _opened = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly StratumClient _client;

    public StratumClientTests()
    {
        _client = new StratumClient(
            new StratumClientOptions { WorkerName = "rig1.gpu0", InitialReconnectDelay = TimeSpan.FromSeconds(1), MaxReconnectDelay = TimeSpan.FromSeconds(8) },
            _ =>
            {
                var (client, device) = DuplexPipeStream.CreatePair();
                var pool = new FakeStratumPool(device);
                _opened.Add(pool);
                _pools.Writer.TryWrite(pool);
                return ValueTask.FromResult<Stream>(client);
            },
            _time);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        _client.Dispose();
        foreach (var pool in _opened)
        {
            pool.Dispose();
        }
    }

    private static TaskCompletionSource<T> Signal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<FakeStratumPool> NextPoolAsync() => await _pools.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    private async Task<(FakeStratumPool Pool, Task Run)> ConnectAsync()
    {
        var connected = Signal<StratumSubscription>();
        _client.Connected += (_, s) => connected.TrySetResult(s);
        var run = _client.RunAsync(_stop.Token);
        var pool = await NextPoolAsync();
        await pool.HandshakeAsync();
        await connected.Task.WaitAsync(Patience);
        return (pool, run);
    }

    [Fact]
    public async Task RunAsync_Handshake_StoresExtranonceAndRaisesConnected()
    {
        await ConnectAsync();

        var subscription = _client.Subscription;
        Assert.NotNull(subscription);
        Assert.Equal(FakeStratumPool.Extranonce1, Convert.ToHexStringLower(subscription.Extranonce1));
        Assert.Equal(FakeStratumPool.Extranonce2Size, subscription.Extranonce2Size);
    }

    [Fact]
    public async Task RunAsync_AuthorizeRefused_FailsWithPoolReason()
    {
        var run = _client.RunAsync(_stop.Token);
        var pool = await NextPoolAsync();
        await pool.HandshakeAsync(authorize: false);

        var error = await Assert.ThrowsAsync<StratumAuthorizationException>(() => run.WaitAsync(Patience));
        Assert.Contains("rig1.gpu0", error.Message, StringComparison.Ordinal);
        Assert.Contains("unauthorized worker", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SetDifficultyAndNotify_RaiseEvents()
    {
        var difficulty = Signal<double>();
        var job = Signal<StratumJob>();
        _client.DifficultyChanged += (_, d) => difficulty.TrySetResult(d);
        _client.JobReceived += (_, j) => job.TrySetResult(j);
        var (pool, _) = await ConnectAsync();

        await pool.SetDifficultyAsync(0.5);
        await pool.SendAsync(NotifyLine("job-7"));

        Assert.Equal(0.5, await difficulty.Task.WaitAsync(Patience));
        var received = await job.Task.WaitAsync(Patience);
        Assert.Equal("job-7", received.JobId);
        Assert.Same(received, _client.CurrentJob);
        Assert.Equal(Target.FromDifficulty(0.5), _client.ShareTarget);
    }

    [Fact]
    public async Task SubmitAsync_ShareFoundAtLowDifficulty_SendsProtocolFieldsAndReadsVerdict()
    {
        var job = Signal<StratumJob>();
        _client.JobReceived += (_, j) => job.TrySetResult(j);
        var (pool, _) = await ConnectAsync();
        await pool.SetDifficultyAsync(1.0 / (1 << 20));
        await pool.SendAsync(NotifyLine("job-42"));
        var work = await job.Task.WaitAsync(Patience);
        byte[] extranonce2 = [0x00, 0x00, 0x00, 0x2a];
        var ntime = work.Time + 1;
        var header = _client.BuildHeader(work, extranonce2, ntime);
        var found = new CpuNonceSearch(_time).Search(header, _client.ShareTarget, 0, 1 << 16);
        Assert.NotEmpty(found.Nonces);
        var nonce = found.Nonces[0];

        var submitted = _client.SubmitAsync(work, extranonce2, ntime, nonce);
        var request = await pool.ReadRequestAsync("mining.submit");
        var fields = request.GetProperty("params").EnumerateArray().Select(p => p.GetString() ?? "").ToArray();
        Assert.Equal<string>(["rig1.gpu0", "job-42", "0000002a", ntime.ToString("x8", CultureInfo.InvariantCulture), nonce.ToString("x8", CultureInfo.InvariantCulture)], fields);
        await pool.ReplyAsync(request, "true");
        Assert.Equal(StratumShareResult.Accept, await submitted.WaitAsync(Patience));

        // What the pool rebuilds from the submitted fields meets the share target.
        var rebuilt = StratumHeaderBuilder.Build(
            work,
            Convert.FromHexString(FakeStratumPool.Extranonce1),
            Convert.FromHexString(fields[2]),
            uint.Parse(fields[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
            uint.Parse(fields[4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
        var hash = new byte[32];
        rebuilt.ComputeHash(hash);
        Assert.True(Target.FromDifficulty(1.0 / (1 << 20)).IsMetBy(hash));

        var rejected = _client.SubmitAsync(work, extranonce2, ntime, nonce);
        await pool.ReplyAsync(await pool.ReadRequestAsync("mining.submit"), "false", """[23,"low difficulty share",null]""");
        Assert.Equal(new StratumShareResult(false, 23, "low difficulty share"), await rejected.WaitAsync(Patience));
    }

    [Fact]
    public async Task RunAsync_StreamCloses_WaitsBackoffThenResubscribesAndReauthorizes()
    {
        var delays = new List<TimeSpan>();
        var reconnecting = Signal<TimeSpan>();
        _client.Reconnecting += (_, d) =>
        {
            delays.Add(d);
            reconnecting.TrySetResult(d);
        };
        var (first, _) = await ConnectAsync();
        var reconnected = Signal<StratumSubscription>();
        _client.Connected += (_, s) => reconnected.TrySetResult(s);

        first.Stream.Dispose();
        var delay = await reconnecting.Task.WaitAsync(Patience);
        Assert.Equal(TimeSpan.FromSeconds(1), delay);
        Assert.False(_pools.Reader.TryPeek(out _));
        _time.Advance(delay);
        var second = await NextPoolAsync();
        await second.HandshakeAsync();

        await reconnected.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task RunAsync_RepeatedFailures_BackoffDoublesUpToCap()
    {
        var delays = Channel.CreateUnbounded<TimeSpan>();
        _client.Reconnecting += (_, d) => delays.Writer.TryWrite(d);
        _ = _client.RunAsync(_stop.Token);

        var seen = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            var pool = await NextPoolAsync();
            pool.Stream.Dispose();
            var delay = await delays.Reader.ReadAsync().AsTask().WaitAsync(Patience);
            seen.Add(delay);
            _time.Advance(delay);
        }

        Assert.Equal([1, 2, 4, 8, 8, 8], seen.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsWithCancellation()
    {
        var (_, run) = await ConnectAsync();

        await _stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Patience));
    }

    private static string NotifyLine(string jobId)
    {
        var job = StratumHeaderBuilderTests.GenesisJob();
        return $$"""{"id":null,"method":"mining.notify","params":["{{jobId}}","{{StratumPrevHash.ToStratumHex(job.PreviousBlockHash)}}","{{Convert.ToHexStringLower(job.Coinbase1)}}","{{Convert.ToHexStringLower(job.Coinbase2)}}",[],"00000001","1d00ffff","495fab29",true]}""";
    }
}
