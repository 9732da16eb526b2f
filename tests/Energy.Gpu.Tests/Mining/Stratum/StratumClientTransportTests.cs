using System.Text;
using Energy.Gpu.Mining.Stratum;
using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Tests.Mining.Stratum;

/// <summary>Reconnects, backoff, timeouts, framing errors and how the link is logged, over in-memory connections on fake time.</summary>
public sealed class StratumClientTransportTests
{
    [Fact]
    public async Task RunAsync_PoolCloses_WaitsBackoffThenResubscribesAndReauthorizes()
    {
        await using var h = new StratumClientHarness();
        var first = await h.ConnectAsync();

        first.Stream.Dispose();
        var delay = await h.NextReconnectAsync();
        Assert.Equal(TimeSpan.FromSeconds(1), delay);
        Assert.False(h.Connector.HasUnclaimedPool);
        h.Time.Advance(delay);
        await h.ConnectAsync();

        var down = Assert.Single(h.Logger.WithEventId(2181));
        Assert.Equal(LogLevel.Warning, down.Level);
        Assert.Equal("Disconnected from Stratum pool pool.test:3333: the pool closed the connection; reconnecting in 1000 ms, then with growing backoff", down.Message);
        Assert.Equal(2, h.Logger.WithEventId(2180).Count);
    }

    [Fact]
    public async Task RunAsync_RepeatedFailures_BackoffDoublesUpToCapAndIsLoggedOncePerChange()
    {
        await using var h = new StratumClientHarness();
        h.Start();

        var seen = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            var pool = await h.Connector.NextPoolAsync();
            pool.Stream.Dispose();
            var delay = await h.NextReconnectAsync();
            seen.Add(delay);
            h.Time.Advance(delay);
        }

        Assert.Equal([1, 2, 4, 8, 8, 8], seen.Select(d => d.TotalSeconds));
        var first = Assert.Single(h.Logger.WithEventId(2182));
        Assert.Contains("Cannot connect to Stratum pool pool.test:3333", first.Message, StringComparison.Ordinal);
        var backoff = h.Logger.WithEventId(2183);
        Assert.Equal(5, backoff.Count);
        Assert.All(backoff, e => Assert.Equal(LogLevel.Debug, e.Level));
        Assert.EndsWith("attempt 6 in 8000 ms", backoff[^1].Message, StringComparison.Ordinal);
        Assert.Empty(h.Logger.WithEventId(2181));
    }

    [Fact]
    public async Task RunAsync_OverLongLine_ProtocolErrorThenReconnect()
    {
        await using var h = new StratumClientHarness();
        var pool = await h.ConnectAsync();

        await pool.SendRawAsync(Encoding.ASCII.GetBytes(new string('x', h.Options.MaxLineBytes + 1)));

        var delay = await h.NextReconnectAsync();
        Assert.Contains("more than 4096 bytes without a line feed", h.LastDownReason(), StringComparison.Ordinal);
        Assert.True(await pool.ClientClosedAsync());
        h.Time.Advance(delay);
        await h.ConnectAsync();
    }

    [Fact]
    public async Task RunAsync_LineThatIsNotJson_ProtocolErrorThenReconnect()
    {
        await using var h = new StratumClientHarness();
        var pool = await h.ConnectAsync();

        await pool.SendAsync("HTTP/1.1 400 Bad Request");

        await h.NextReconnectAsync();
        Assert.Contains("not Stratum v1", h.LastDownReason(), StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 400 Bad Request", h.LastDownReason(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SilentPool_ReadTimeoutThenReconnect()
    {
        await using var h = new StratumClientHarness();
        var pool = await h.ConnectAsync();

        h.Time.Advance(h.Options.ReadTimeout - TimeSpan.FromTicks(1));
        Assert.False(h.HasReconnected);
        h.Time.Advance(TimeSpan.FromTicks(1));

        var delay = await h.NextReconnectAsync();
        Assert.Contains("no message from the pool for 30000 ms", h.LastDownReason(), StringComparison.Ordinal);
        Assert.True(await pool.ClientClosedAsync());
        h.Time.Advance(delay);
        await h.ConnectAsync();
    }

    [Fact]
    public async Task RunAsync_EachMessage_RestartsTheSilenceClock()
    {
        await using var h = new StratumClientHarness();
        var pool = await h.ConnectAsync();

        h.Time.Advance(TimeSpan.FromSeconds(20));
        await pool.NotifyAsync("1");
        var job = await h.NextJobAsync();
        h.Time.Advance(TimeSpan.FromSeconds(20));

        // 40 s since the handshake, 20 s since the last message: still connected.
        var submitted = h.Client.SubmitAsync(job, new byte[4], job.Time, 0);
        await pool.AnswerSubmitAsync(accept: true);
        Assert.True((await submitted).Accepted);
        h.Time.Advance(TimeSpan.FromSeconds(30));
        await h.NextReconnectAsync();
    }

    [Fact]
    public async Task RunAsync_PoolSilentDuringHandshake_ReadTimeoutThenReconnect()
    {
        await using var h = new StratumClientHarness();
        h.Start();
        var pool = await h.Connector.NextPoolAsync();
        await pool.ReadRequestAsync("mining.subscribe");

        h.Time.Advance(h.Options.ReadTimeout);

        await h.NextReconnectAsync();
        Assert.Contains("no message from the pool for 30000 ms", h.LastDownReason(), StringComparison.Ordinal);
        Assert.Empty(h.Logger.WithEventId(2180));
    }

    [Fact]
    public async Task RunAsync_ConnectHangs_GivesUpAtTheConnectTimeout()
    {
        await using var h = new StratumClientHarness();
        h.Connector.Hang = true;
        h.Start();
        await h.Connector.NextAttemptAsync();

        h.Time.Advance(h.Options.ConnectTimeout - TimeSpan.FromTicks(1));
        Assert.False(h.HasReconnected);
        h.Time.Advance(TimeSpan.FromTicks(1));

        var delay = await h.NextReconnectAsync();
        var failed = Assert.Single(h.Logger.WithEventId(2182));
        Assert.Equal("Cannot connect to Stratum pool pool.test:3333: cannot connect: no connection within 5000 ms; retrying in 1000 ms, then with growing backoff", failed.Message);
        h.Connector.Hang = false;
        h.Time.Advance(delay);
        Assert.Equal(2, await h.Connector.NextAttemptAsync());
        await h.ConnectAsync();
    }
}
