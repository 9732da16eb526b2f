using Energy.Telemetry.Storage;
using Energy.TestSupport.Logging;

namespace Energy.Telemetry.Tests.Storage;

/// <summary>Writes under a fresh temp folder per test (a folder, not a socket or process).</summary>
public sealed class EmbeddedTimeSeriesStoreTests : IDisposable
{
    private static readonly DateTimeOffset July1 = new(2024, 7, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"heatgrid-tests-{Guid.NewGuid():N}");
    private readonly CapturingLogger<EmbeddedTimeSeriesStore> _logger = new();
    private readonly EmbeddedTimeSeriesStore _store;

    public EmbeddedTimeSeriesStoreTests() => _store = new EmbeddedTimeSeriesStore(_dataFolder, _logger);

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dataFolder, recursive: true);
    }

    private static TimeSeriesPoint Point(double value, DateTimeOffset at) =>
        new("grid", [KeyValuePair.Create("site", "bathhouse")], "importKw", value, at);

    private string DayFile(string day) => Path.Combine(_store.Folder, day + ".lp");

    [Fact]
    public void Constructor_DataFolder_CreatesTimeseriesFolder()
    {
        Assert.Equal(Path.Combine(_dataFolder, "timeseries"), _store.Folder);
        Assert.True(Directory.Exists(_store.Folder));
    }

    [Fact]
    public void TryWrite_Points_AcceptedButNotWrittenBeforeFlush()
    {
        Assert.True(_store.TryWrite([Point(1, July1), Point(2, July1.AddSeconds(1))]));

        Assert.Empty(Directory.GetFiles(_store.Folder));
        Assert.Equal(0, _store.Rejected);
    }

    [Fact]
    public async Task FlushAsync_QueuedPoints_WritesLineProtocolToTheUtcDayFile()
    {
        _store.TryWrite([Point(412.5, July1), Point(413, July1.AddSeconds(1))]);

        await _store.FlushAsync(CancellationToken.None);

        var lines = await File.ReadAllLinesAsync(DayFile("2024-07-01"));
        Assert.Equal(
            ["grid,site=bathhouse importKw=412.5 1719835200000000000", "grid,site=bathhouse importKw=413 1719835201000000000"],
            lines);
    }

    [Fact]
    public async Task FlushAsync_PointsOnTwoUtcDays_OneFilePerDay()
    {
        var lateLocal = new DateTimeOffset(2024, 7, 1, 23, 30, 0, TimeSpan.FromHours(-2));   // 2024-07-02 01:30 UTC
        _store.TryWrite([Point(1, July1), Point(2, lateLocal)]);

        await _store.FlushAsync(CancellationToken.None);

        Assert.Equal(["2024-07-01.lp", "2024-07-02.lp"], Directory.GetFiles(_store.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Single(await File.ReadAllLinesAsync(DayFile("2024-07-02")));
    }

    [Fact]
    public async Task FlushAsync_Twice_AppendsInsteadOfOverwriting()
    {
        _store.TryWrite([Point(1, July1)]);
        await _store.FlushAsync(CancellationToken.None);
        _store.TryWrite([Point(2, July1.AddMinutes(1))]);

        await _store.FlushAsync(CancellationToken.None);

        var lines = await File.ReadAllLinesAsync(DayFile("2024-07-01"));
        Assert.Equal(2, lines.Length);
        Assert.Contains("importKw=1 ", lines[0], StringComparison.Ordinal);
        Assert.Contains("importKw=2 ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlushAsync_NothingQueued_WritesNoFile()
    {
        await _store.FlushAsync(CancellationToken.None);

        Assert.Empty(Directory.GetFiles(_store.Folder));
    }

    [Fact]
    public async Task FlushAsync_SamePointsFlushedOnce_NotWrittenTwice()
    {
        _store.TryWrite([Point(1, July1)]);
        await _store.FlushAsync(CancellationToken.None);

        await _store.FlushAsync(CancellationToken.None);

        Assert.Single(await File.ReadAllLinesAsync(DayFile("2024-07-01")));
    }

    [Fact]
    public void TryWrite_QueueFull_ReturnsFalseCountsAndLogsOnce()
    {
        var points = Enumerable.Range(0, 200_002).Select(i => Point(i, July1)).ToList();

        Assert.False(_store.TryWrite(points));
        Assert.False(_store.TryWrite([Point(-1, July1)]));

        Assert.Equal(3, _store.Rejected);
        var entry = Assert.Single(_logger.WithEventId(1001));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, entry.Level);
    }

    [Fact]
    public void TryWrite_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => _store.TryWrite(null!));
    }

    [Fact]
    public void Constructor_TornLastLineInADayFile_CutBackAndLogged()
    {
        var file = DayFile("2024-07-01");
        File.WriteAllText(file, "grid,site=bathhouse importKw=1 1719835200000000000\ngrid,site=bath");

        using var restarted = new EmbeddedTimeSeriesStore(_dataFolder, _logger);

        Assert.Equal("grid,site=bathhouse importKw=1 1719835200000000000\n", File.ReadAllText(file));
        Assert.Single(_logger.WithEventId(1652));
    }

    [Fact]
    public async Task FlushAsync_FolderUnwritable_BoundedInMemoryLoggedOnceThenWrittenWhenItWorks()
    {
        // The time-series folder replaced by a file: every append fails (for root too, unlike a permission bit).
        Directory.Delete(_store.Folder);
        File.WriteAllText(_store.Folder, "not a folder");
        var many = Enumerable.Range(0, 100_000).Select(i => Point(i, July1.AddSeconds(i % 3600))).ToList();
        _store.TryWrite(many);

        for (var i = 0; i < 5; i++)
        {
            await _store.FlushAsync(CancellationToken.None);
        }

        Assert.Single(_logger.WithEventId(1650));
        Assert.True(_store.Dropped > 0, "nothing dropped: memory would grow without bound");
        Assert.True(_store.Dropped < 100_000);

        File.Delete(_store.Folder);
        await _store.FlushAsync(CancellationToken.None);

        var written = File.ReadAllLines(DayFile("2024-07-01")).Length;
        Assert.Equal(100_000, written + _store.Dropped);
        Assert.Contains($"{_store.Dropped} points were dropped", Assert.Single(_logger.WithEventId(1651)).Message, StringComparison.Ordinal);
    }
}
