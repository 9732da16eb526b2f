using System.Globalization;
using Energy.Gpu.Mining;
using Energy.Gpu.Mining.Stratum;
using Energy.TestSupport.Stratum;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Tests.Mining.Stratum;

/// <summary>Handshake, notifications, share submission and counters, over in-memory connections.</summary>
public sealed class StratumClientTests
{
    [Fact]
    public async Task RunAsync_Handshake_StoresExtranonceAndRaisesConnected()
    {
        await using var h = new StratumClientHarness();
        await h.ConnectAsync();

        var subscription = h.Client.Subscription;
        Assert.NotNull(subscription);
        Assert.Equal(FakeStratumPool.Extranonce1, Convert.ToHexStringLower(subscription.Extranonce1));
        Assert.Equal(FakeStratumPool.Extranonce2Size, subscription.Extranonce2Size);
        Assert.True(h.Client.IsConnected);
        var connected = Assert.Single(h.Logger.WithEventId(2180));
        Assert.Equal("Connected to Stratum pool pool.test:3333 as worker rig1.gpu0, extranonce1 08000002", connected.Message);
    }

    [Fact]
    public async Task RunAsync_AuthorizeRefused_FailsWithPoolReasonAndLogsError()
    {
        await using var h = new StratumClientHarness { ErrorsExpected = true };
        h.Start();
        var pool = await h.Connector.NextPoolAsync();
        await pool.HandshakeAsync(authorize: false);

        var error = await Assert.ThrowsAsync<StratumAuthorizationException>(() => h.Run!.WaitAsync(StratumClientHarness.Patience));
        Assert.Contains("rig1.gpu0", error.Message, StringComparison.Ordinal);
        Assert.Contains("unauthorized worker", error.Message, StringComparison.Ordinal);
        var logged = Assert.Single(h.Logger.WithEventId(2184));
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("unauthorized worker (code 24)", logged.Message, StringComparison.Ordinal);
        Assert.Empty(h.Logger.WithEventId(2180));
    }

    [Fact]
    public async Task RunAsync_SetDifficultyAndNotify_RaiseEvents()
    {
        await using var h = new StratumClientHarness();
        var difficulty = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Client.DifficultyChanged += (_, d) => difficulty.TrySetResult(d);
        var pool = await h.ConnectAsync();

        await pool.SetDifficultyAsync(0.5);
        await pool.NotifyAsync("job-7");

        Assert.Equal(0.5, await difficulty.Task.WaitAsync(StratumClientHarness.Patience));
        var received = await h.NextJobAsync();
        Assert.Equal("job-7", received.JobId);
        Assert.Same(received, h.Client.CurrentJob);
        Assert.Equal(Target.FromDifficulty(0.5), h.Client.ShareTarget);
        Assert.Equal(Target.FromDifficulty(0.5), received.ShareTarget);
    }

    [Fact]
    public async Task SubmitAsync_ShareFoundAtLowDifficulty_SendsProtocolFieldsAndReadsVerdict()
    {
        await using var h = new StratumClientHarness();
        var pool = await h.ConnectAsync();
        await pool.SetDifficultyAsync(1.0 / (1 << 20));
        await pool.NotifyAsync("job-42");
        var work = await h.NextJobAsync();
        byte[] extranonce2 = [0x00, 0x00, 0x00, 0x2a];
        var ntime = work.Time + 1;
        var nonce = FindShare(work, extranonce2, ntime, h);

        var submitted = h.Client.SubmitAsync(work, extranonce2, ntime, nonce);
        var fields = await pool.AnswerSubmitAsync(accept: true);
        Assert.Equal<string>(["rig1.gpu0", "job-42", "0000002a", ntime.ToString("x8", CultureInfo.InvariantCulture), nonce.ToString("x8", CultureInfo.InvariantCulture)], fields);
        Assert.Equal(StratumShareResult.Accept, await submitted.WaitAsync(StratumClientHarness.Patience));

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

        var rejected = h.Client.SubmitAsync(work, extranonce2, ntime, nonce);
        await pool.AnswerSubmitAsync(accept: false);
        Assert.Equal(new StratumShareResult(false, 23, "low difficulty share"), await rejected.WaitAsync(StratumClientHarness.Patience));
        Assert.Equal(new StratumShareCounters(Submitted: 2, Accepted: 1, Rejected: 1, Stale: 0), h.Client.Shares);
        Assert.Single(h.Logger.WithEventId(2185));
        var rejection = Assert.Single(h.Logger.WithEventId(2186));
        Assert.Equal("Stratum pool pool.test:3333 rejected a share for job job-42: low difficulty share (code 23)", rejection.Message);
    }

    [Fact]
    public async Task SubmitAsync_PoolClosesBeforeAnswer_ThrowsIOExceptionAndCountsNoVerdict()
    {
        await using var h = new StratumClientHarness();
        var pool = await h.ConnectAsync();
        await pool.NotifyAsync("job-1");
        var job = await h.NextJobAsync();

        var submitted = h.Client.SubmitAsync(job, new byte[4], job.Time, 0);
        await pool.ReadRequestAsync("mining.submit");
        pool.Stream.Dispose();

        await Assert.ThrowsAsync<IOException>(() => submitted.WaitAsync(StratumClientHarness.Patience));
        Assert.Equal(new StratumShareCounters(1, 0, 0, 0), h.Client.Shares);
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsWithCancellation()
    {
        await using var h = new StratumClientHarness();
        using var stop = new CancellationTokenSource();
        var run = h.Client.RunAsync(stop.Token);
        await (await h.Connector.NextPoolAsync()).HandshakeAsync();
        await h.NextConnectedAsync();

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(StratumClientHarness.Patience));
        Assert.False(h.Client.IsConnected);
        Assert.Empty(h.Logger.WithEventId(2181));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheOption()
    {
        var connector = new InMemoryStratumConnector();
        var logger = new Energy.TestSupport.Logging.CapturingLogger<StratumClient>();
        StratumClient Create(StratumClientOptions o) => new(o, connector, TimeProvider.System, logger);
        var valid = StratumClientHarness.DefaultOptions;

        Assert.Equal("ReadTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => Create(valid with { ReadTimeout = TimeSpan.Zero })).ParamName);
        Assert.Equal("ConnectTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => Create(valid with { ConnectTimeout = TimeSpan.FromDays(2) })).ParamName);
        Assert.Equal("MaxLineBytes", Assert.Throws<ArgumentOutOfRangeException>(() => Create(valid with { MaxLineBytes = 100 })).ParamName);
        Assert.Equal("MaxReconnectDelay", Assert.Throws<ArgumentException>(() => Create(valid with { MaxReconnectDelay = TimeSpan.FromMilliseconds(10) })).ParamName);
        Assert.Equal("WorkerName", Assert.Throws<ArgumentException>(() => Create(valid with { WorkerName = " " })).ParamName);
    }

    internal static uint FindShare(StratumJob job, byte[] extranonce2, uint ntime, StratumClientHarness h)
    {
        var found = new CpuNonceSearch(h.Time).Search(job.BuildHeader(extranonce2, ntime), job.ShareTarget, 0, 1 << 16);
        Assert.NotEmpty(found.Nonces);
        return found.Nonces[0];
    }
}
