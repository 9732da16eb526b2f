using System.Diagnostics;
using Energy.Contracts.Sites;
using Energy.Scheduler.Controller;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Energy.Telemetry.Signals;
using Energy.Telemetry.Storage;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller;

/// <summary>A tick that keeps failing the same way (a store whose disk refuses) is logged once, not every second, and its end once.</summary>
public sealed class ControlLoopFailureLogTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 16, 8, 0, 0, TimeSpan.Zero));
    private readonly StatusBoard _board = new();
    private readonly CapturingLogger<ControlLoop> _logger = new();
    private readonly RefusingStore _store = new();

    [Fact]
    public async Task Execute_SameFailureEveryTick_LoggedOnceWithItsStackThenOnceWhenItWorksAgain()
    {
        Site site = TestSites.Bathhouse();
        var controller = InProcessController.Create(site, _time);
        using var loop = new ControlLoop(site, new CurrentPlan(), controller.Link, new SignalRegistry(), _store, _board, _time, _logger);

        await loop.StartAsync(CancellationToken.None);
        for (var i = 0; i < 6; i++)
        {
            await TickedAsync();
            _store.Refuse = i < 5;   // the disk takes writes again from the seventh tick on
            _time.Advance(ControlLoop.Period);
        }

        await TickedAsync();
        _time.Advance(ControlLoop.Period);
        await TickedAsync();
        await loop.StopAsync(CancellationToken.None);

        var failing = Assert.Single(_logger.WithEventId(3609));
        Assert.Contains("IOException: No space left on device", failing.Message, StringComparison.Ordinal);
        Assert.NotNull(failing.Exception);
        Assert.Contains("after 6 failed ticks", Assert.Single(_logger.WithEventId(3610)).Message, StringComparison.Ordinal);
    }

    /// <summary>Waits (without sleeping) until the loop has published the tick of the fake clock's instant.</summary>
    private async Task TickedAsync()
    {
        var clock = Stopwatch.StartNew();
        while (_board.Current?.Time != _time.GetUtcNow() || _store.Calls == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the loop did not tick");
            await Task.Yield();
        }

        _store.Calls = 0;
    }

    private sealed class RefusingStore : ITimeSeriesStore
    {
        public volatile bool Refuse = true;
        public volatile int Calls;

        public bool TryWrite(IReadOnlyList<TimeSeriesPoint> points)
        {
            Calls++;
            return Refuse ? throw new IOException("No space left on device") : true;
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
