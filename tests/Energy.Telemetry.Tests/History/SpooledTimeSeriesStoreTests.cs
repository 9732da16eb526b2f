using System.Diagnostics;
using Energy.Telemetry.Health;
using Energy.Telemetry.History;
using Energy.Telemetry.Storage;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Telemetry.Tests.History;

/// <summary>The store with its writer and sender tasks running on a fake clock and a fake database, the spool in a temp folder.</summary>
public sealed class SpooledTimeSeriesStoreTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"heatgrid-spool-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _time = new(Start);
    private readonly CapturingLogger<SpooledTimeSeriesStore> _logger = new();
    private readonly FakeHistoryWriter _database = new();
    private readonly Alarms _alarms;

    public SpooledTimeSeriesStoreTests() => _alarms = new Alarms(_time, new CapturingLogger<Alarms>());

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private SpooledTimeSeriesStore Store(int queueCapacity = 10_000, int maxBatchPoints = 100) => new(
        new HistorySpool(_folder, 64L * 1024 * 1024, _time, _logger, _alarms),
        _database,
        new HistoryOptions { Url = "http://fake", QueueCapacity = queueCapacity, MaxBatchPoints = maxBatchPoints },
        _time, _logger, _alarms);

    private static TimeSeriesPoint Point(int second) =>
        new("grid", [KeyValuePair.Create("site", "bathhouse")], "import_kw", second, Start.AddSeconds(second));

    private static string Line(int second) => $"grid,site=bathhouse import_kw={second} {Start.AddSeconds(second).ToUnixTimeMilliseconds()}";

    /// <summary>Advances the fake clock (backoffs) and yields until <paramref name="done"/> holds; fails after 20 s of real time.</summary>
    private async Task UntilAsync(Func<bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"timed out waiting for {what}; database has {_database.Lines.Count} lines");
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Yield();
        }
    }

    [Fact]
    public async Task DatabaseFailing_NothingLostAndSentInOrderOnceItWorks()
    {
        using var store = Store();
        _database.FailNext = 6;
        await store.StartAsync(CancellationToken.None);

        for (var s = 0; s < 500; s++)
        {
            Assert.True(store.TryWrite([Point(s)]));
        }

        await UntilAsync(() => _database.Attempts > 3, "failed attempts");
        Assert.NotNull(store.Status().LastError);
        Assert.Contains(_alarms.Current(), a => a.Key == SpooledTimeSeriesStore.SendAlarmKey);

        await UntilAsync(() => _database.Lines.Count >= 500, "all points");
        Assert.Equal(Enumerable.Range(0, 500).Select(Line), _database.Lines);
        Assert.Single(_logger.WithEventId(1704));     // failing: logged once
        Assert.Single(_logger.WithEventId(1705));     // works again: logged once
        Assert.DoesNotContain(_alarms.Current(), a => a.Key == SpooledTimeSeriesStore.SendAlarmKey);
        Assert.Null(store.Status().LastError);
        await store.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stop_WhileDatabaseDown_KeepsPointsForTheNextStart()
    {
        using (var store = Store())
        {
            _database.FailNext = int.MaxValue;
            await store.StartAsync(CancellationToken.None);
            store.TryWrite([.. Enumerable.Range(0, 50).Select(Point)]);
            await store.FlushAsync(CancellationToken.None);
            await UntilAsync(() => _database.Attempts > 0, "an attempt");
            var stopping = store.StopAsync(CancellationToken.None);
            await UntilAsync(() => stopping.IsCompleted, "the stop");
            await stopping;
            Assert.Equal(50, store.Spool.PendingPoints);
        }

        _database.FailNext = 0;
        using var restarted = Store();
        await restarted.StartAsync(CancellationToken.None);
        await UntilAsync(() => _database.Lines.Count >= 50, "the points of the stopped store");
        Assert.Equal(Enumerable.Range(0, 50).Select(Line), _database.Lines);
        await restarted.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Refused_BatchSkippedCountedAndTheRestSent()
    {
        using var store = Store(maxBatchPoints: 10);
        store.TryWrite([.. Enumerable.Range(0, 30).Select(Point)]);
        await store.FlushAsync(CancellationToken.None);
        _database.RefuseNext = 1;

        await store.StartAsync(CancellationToken.None);
        await UntilAsync(() => store.Spool.PendingPoints == 0, "the spool drained");

        Assert.Equal(Enumerable.Range(10, 20).Select(Line), _database.Lines);
        Assert.Equal(10, store.Status().RefusedPoints);
        Assert.Single(_logger.WithEventId(1710));
        await store.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void TryWrite_QueueFull_RejectsAndCountsInBoundedMemory()
    {
        using var store = Store(queueCapacity: 1000);

        Assert.True(store.TryWrite([.. Enumerable.Range(0, 1000).Select(Point)]));
        Assert.False(store.TryWrite([.. Enumerable.Range(1000, 500).Select(Point)]));

        var status = store.Status();
        Assert.Equal(1000, status.Queued);
        Assert.Equal(500, status.Rejected);
        Assert.Single(_logger.WithEventId(1706));
        Assert.Contains(_alarms.Current(), a => a.Key == SpooledTimeSeriesStore.QueueFullAlarmKey);
    }

    [Fact]
    public async Task FlushAsync_SpoolsWhatWasQueuedDurably()
    {
        using (var store = Store())
        {
            store.TryWrite([.. Enumerable.Range(0, 20).Select(Point)]);
            await store.FlushAsync(CancellationToken.None);
            Assert.Equal(0, store.Status().Queued);
            Assert.Equal(20, store.Spool.PendingPoints);
        }

        // Never sent, the process gone (no stop): the next spool on the folder has them all.
        using var spool = new HistorySpool(_folder, 64L * 1024 * 1024, _time, _logger);
        Assert.Equal(20, spool.PendingPoints);
    }
}
