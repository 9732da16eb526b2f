using Energy.Gpu.Mining;
using Energy.Gpu.Mining.Stratum;
using Energy.TestSupport.Stratum;

namespace Energy.Gpu.Tests.Mining.Stratum;

/// <summary>Jobs belong to their connection: reconnects and clean_jobs make them stale; difficulty and extranonce apply to later jobs.</summary>
public sealed class StratumClientJobTests
{
    private static readonly byte[] Extranonce2 = [0, 0, 0, 1];

    [Fact]
    public async Task SubmitAsync_JobFromBeforeReconnect_CountedStaleAndNeverSent()
    {
        await using var h = new StratumClientHarness();
        var first = await h.ConnectAsync();
        await first.NotifyAsync("1");
        var old = await h.NextJobAsync();
        first.Dispose();
        var delay = await h.NextReconnectAsync();

        Assert.Equal(StratumShareResult.StaleJob, await h.Client.SubmitAsync(old, Extranonce2, old.Time, 0));
        Assert.Null(h.Client.CurrentJob);
        Assert.Null(h.Client.Subscription);
        Assert.False(h.Client.IsConnected);

        h.Time.Advance(delay);
        var second = await h.ConnectAsync();
        await second.NotifyAsync("1");
        var fresh = await h.NextJobAsync();

        // Same job id on the new connection, but the old job object is not its work.
        var stale = await h.Client.SubmitAsync(old, Extranonce2, old.Time, 0);
        Assert.True(stale.Stale);
        var submitted = h.Client.SubmitAsync(fresh, Extranonce2, fresh.Time, 7);
        var fields = await second.AnswerSubmitAsync(accept: true);
        Assert.Equal("00000007", fields[4]);
        Assert.True((await submitted).Accepted);
        Assert.Equal(new StratumShareCounters(Submitted: 1, Accepted: 1, Rejected: 0, Stale: 2), h.Client.Shares);
        Assert.Equal(2, h.Logger.WithEventId(2187).Count);
    }

    [Fact]
    public async Task SubmitAsync_CleanJobs_DropsEveryEarlierJob()
    {
        await using var h = new StratumClientHarness();
        var pool = await h.ConnectAsync();
        await pool.NotifyAsync("a", cleanJobs: true);
        await pool.NotifyAsync("b", cleanJobs: false);
        var a = await h.NextJobAsync();
        var b = await h.NextJobAsync();

        var submitA = h.Client.SubmitAsync(a, Extranonce2, a.Time, 1);
        Assert.Equal("a", (await pool.AnswerSubmitAsync(accept: true))[1]);
        await submitA;
        var submitB = h.Client.SubmitAsync(b, Extranonce2, b.Time, 1);
        Assert.Equal("b", (await pool.AnswerSubmitAsync(accept: true))[1]);
        await submitB;

        await pool.NotifyAsync("c", cleanJobs: true);
        var c = await h.NextJobAsync();

        Assert.True((await h.Client.SubmitAsync(a, Extranonce2, a.Time, 2)).Stale);
        Assert.True((await h.Client.SubmitAsync(b, Extranonce2, b.Time, 2)).Stale);
        var submitC = h.Client.SubmitAsync(c, Extranonce2, c.Time, 2);
        Assert.Equal("c", (await pool.AnswerSubmitAsync(accept: true))[1]);
        Assert.True((await submitC).Accepted);
        Assert.Equal(new StratumShareCounters(3, 3, 0, 2), h.Client.Shares);
    }

    [Fact]
    public async Task Notify_DifficultyInForceWhenTheJobArrived_StaysWithTheJob()
    {
        await using var h = new StratumClientHarness();
        var pool = await h.ConnectAsync();

        await pool.NotifyAsync("before-any", cleanJobs: false);
        await pool.SetDifficultyAsync(2);
        await pool.NotifyAsync("at-2", cleanJobs: false);
        await pool.SetDifficultyAsync(4);
        await pool.NotifyAsync("at-4", cleanJobs: false);

        Assert.Equal(1, (await h.NextJobAsync()).Difficulty);
        var at2 = await h.NextJobAsync();
        var at4 = await h.NextJobAsync();
        Assert.Equal(2, at2.Difficulty);
        Assert.Equal(Target.FromDifficulty(2), at2.ShareTarget);
        Assert.Equal(4, at4.Difficulty);
        Assert.Equal(4, h.Client.Difficulty);
    }

    [Fact]
    public async Task SetExtranonce_AppliesToTheJobsThatFollow()
    {
        await using var h = new StratumClientHarness();
        var pool = await h.ConnectAsync();
        await pool.NotifyAsync("1");
        var before = await h.NextJobAsync();

        await pool.SetExtranonceAsync("0a0b0c0d0e", 2);
        await pool.NotifyAsync("1");
        var after = await h.NextJobAsync();

        Assert.Equal(FakeStratumPool.Extranonce1, Convert.ToHexStringLower(before.Subscription!.Extranonce1));
        Assert.Equal("0a0b0c0d0e", Convert.ToHexStringLower(after.Subscription!.Extranonce1));
        Assert.Equal(2, after.Subscription.Extranonce2Size);
        Assert.Equal(
            StratumHeaderBuilder.Build(after, Convert.FromHexString("0a0b0c0d0e"), [0xbe, 0xef]).ToBytes(),
            after.BuildHeader([0xbe, 0xef]).ToBytes());
        Assert.Throws<ArgumentOutOfRangeException>(() => after.BuildHeader(Extranonce2));
        Assert.True((await h.Client.SubmitAsync(before, Extranonce2, before.Time, 0)).Stale);
        Assert.Single(h.Logger.WithEventId(2189));
    }

    [Fact]
    public async Task Notify_RightBehindTheSubscribeAnswer_AlreadyCarriesTheExtranonce()
    {
        await using var h = new StratumClientHarness();
        h.Start();
        var pool = await h.Connector.NextPoolAsync();
        var subscribe = await pool.ReadRequestAsync("mining.subscribe");

        // Pools send difficulty and work at once after the subscribe answer, before authorize.
        await pool.ReplyAsync(subscribe, $$"""[[],"{{FakeStratumPool.Extranonce1}}",{{FakeStratumPool.Extranonce2Size}}]""");
        await pool.SetDifficultyAsync(8);
        await pool.NotifyAsync("early");
        var job = await h.NextJobAsync();

        Assert.Equal(FakeStratumPool.Extranonce1, Convert.ToHexStringLower(job.Subscription!.Extranonce1));
        Assert.Equal(8, job.Difficulty);
        await pool.ReplyAsync(await pool.ReadRequestAsync("mining.authorize"), "true");
        await h.NextConnectedAsync();
        var submitted = h.Client.SubmitAsync(job, Extranonce2, job.Time, 0);
        Assert.Equal("early", (await pool.AnswerSubmitAsync(accept: true))[1]);
        Assert.True((await submitted).Accepted);
    }
}
