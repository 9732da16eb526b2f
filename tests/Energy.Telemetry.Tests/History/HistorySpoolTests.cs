using System.Text;
using Energy.Telemetry.Health;
using Energy.Telemetry.History;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Telemetry.Tests.History;

/// <summary>The spool on a fresh temp folder per test: restarts are a dispose and a new spool on the same folder.</summary>
public sealed class HistorySpoolTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"heatgrid-spool-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CapturingLogger<HistorySpool> _logger = new();
    private readonly Alarms _alarms;

    public HistorySpoolTests() => _alarms = new Alarms(_time, new CapturingLogger<Alarms>());

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private HistorySpool Open(long limit = 1024 * 1024, long? segmentBytes = null) => new(_folder, limit, _time, _logger, _alarms, segmentBytes);

    private static byte[] Batch(int n, int points = 2) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, points).Select(i => $"grid,site=a import_kw={n}.{i} {n}000\n")));

    /// <summary>Every pending batch's first value (its number), in the order the spool gives them.</summary>
    private static List<int> Pending(HistorySpool spool)
    {
        var numbers = new List<int>();
        var batch = spool.ReadPending(int.MaxValue, int.MaxValue);
        foreach (var payload in batch?.Payloads ?? [])
        {
            numbers.Add(int.Parse(payload.Split('=')[2].Split('.')[0], System.Globalization.CultureInfo.InvariantCulture));
        }

        return numbers;
    }

    private string[] Segments() => [.. Directory.GetFiles(_folder, "*.seg").Order(StringComparer.Ordinal)];

    [Fact]
    public void Reopen_AfterPartialAcknowledge_ReplaysTheRestInOrder()
    {
        using (var spool = Open())
        {
            for (var n = 1; n <= 5; n++)
            {
                spool.Append(Batch(n), 2);
            }

            var first = spool.ReadPending(maxPoints: 4, maxBytes: int.MaxValue)!;
            Assert.Equal(4, first.Points);
            spool.Acknowledge(first.End);
            Assert.Equal(6, spool.PendingPoints);
        }

        using var reopened = Open();
        Assert.Equal([3, 4, 5], Pending(reopened));
        Assert.Equal(6, reopened.PendingPoints);
    }

    [Fact]
    public void Reopen_AllAcknowledged_NothingPendingAndOldSegmentsDeleted()
    {
        using (var spool = Open())
        {
            spool.Append(Batch(1), 2);
            spool.Acknowledge(spool.ReadPending(100, int.MaxValue)!.End);
        }

        using var reopened = Open();
        Assert.Null(reopened.ReadPending(100, int.MaxValue));
        Assert.Equal(0, reopened.PendingPoints);
        Assert.Single(Segments());   // the acknowledged one deleted, the new one to append to
    }

    [Fact]
    public void Reopen_TornTail_CutsItAndKeepsTheWholeBatches()
    {
        using (var spool = Open())
        {
            spool.Append(Batch(1), 2);
            spool.Append(Batch(2), 2);
        }

        // A crash in the middle of the second append: half of its frame made it to the disk.
        var segment = Segments().Single(f => new FileInfo(f).Length > 0);
        var whole = new FileInfo(segment).Length;
        var frame = SpoolFrame.HeaderBytes + Batch(2).Length;
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(whole - (frame / 2));
        }

        using var reopened = Open();
        Assert.Equal([1], Pending(reopened));
        Assert.Equal(whole - frame, new FileInfo(segment).Length);
        Assert.Single(_logger.WithEventId(1702));
        Assert.Contains(_alarms.Current(), a => a.Key == HistorySpool.TornAlarmKey);
    }

    [Fact]
    public void Reopen_DamagedBatch_CutFromThereOn()
    {
        using (var spool = Open())
        {
            spool.Append(Batch(1), 2);
            spool.Append(Batch(2), 2);
            spool.Append(Batch(3), 2);
        }

        var segment = Segments().Single(f => new FileInfo(f).Length > 0);
        var bytes = File.ReadAllBytes(segment);
        bytes[SpoolFrame.HeaderBytes + Batch(1).Length + SpoolFrame.HeaderBytes + 3] ^= 0x20;   // one bit in batch 2's payload
        File.WriteAllBytes(segment, bytes);

        using var reopened = Open();
        Assert.Equal([1], Pending(reopened));
    }

    [Fact]
    public void Append_AfterReopen_GoesAfterWhatWasLeft()
    {
        using (var spool = Open())
        {
            spool.Append(Batch(1), 2);
        }

        using var reopened = Open();
        reopened.Append(Batch(2), 2);
        Assert.Equal([1, 2], Pending(reopened));
    }

    [Fact]
    public void Append_OverTheLimit_DropsTheOldestSegmentsCountedLoggedAndAlarmed()
    {
        var frame = SpoolFrame.HeaderBytes + Batch(1).Length;
        using var spool = Open(limit: 10 * frame, segmentBytes: 2 * frame);
        for (var n = 1; n <= 30; n++)
        {
            spool.Append(Batch(n), 2);
        }

        Assert.True(spool.DiskBytes <= 10 * frame, $"{spool.DiskBytes} bytes on disk");
        var pending = Pending(spool);
        Assert.Equal(30, pending[^1]);
        Assert.Equal(Enumerable.Range(pending[0], pending.Count), pending);       // the newest, with no hole
        Assert.Equal(2 * (30 - pending.Count), spool.DroppedPoints);              // the rest were dropped, oldest first, and counted
        Assert.Equal(2 * pending.Count, spool.PendingPoints);
        Assert.NotEmpty(_logger.WithEventId(1703));
        Assert.Contains(_alarms.Current(), a => a.Key == HistorySpool.DroppedAlarmKey && a.Severity == AlarmSeverity.Critical);

        // The moved acknowledgement is saved: a restart does not look for the dropped segments.
        spool.Dispose();
        using var reopened = Open(limit: 10 * frame, segmentBytes: 2 * frame);
        Assert.Equal(pending, Pending(reopened));
    }

    [Fact]
    public void Acknowledge_AnOlderPosition_MovesNothingBack()
    {
        using var spool = Open();
        spool.Append(Batch(1), 2);
        var first = spool.ReadPending(2, int.MaxValue)!;
        spool.Append(Batch(2), 2);
        spool.Acknowledge(spool.ReadPending(100, int.MaxValue)!.End);

        spool.Acknowledge(first.End);

        Assert.Null(spool.ReadPending(100, int.MaxValue));
        Assert.Equal(4, spool.AcknowledgedPoints);
    }

    [Fact]
    public void OldestPendingAppendedAt_IsTheFirstUnacknowledgedBatchs()
    {
        using var spool = Open();
        Assert.Null(spool.OldestPendingAppendedAt);
        var at = _time.GetUtcNow();
        spool.Append(Batch(1), 2);
        _time.Advance(TimeSpan.FromSeconds(5));
        spool.Append(Batch(2), 2);

        Assert.Equal(at, spool.OldestPendingAppendedAt);
    }
}
