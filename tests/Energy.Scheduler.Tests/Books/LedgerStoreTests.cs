using Energy.Scheduler.Books;
using Microsoft.Data.Sqlite;

namespace Energy.Scheduler.Tests.Books;

public sealed class LedgerStoreTests : IDisposable
{
    private readonly LedgerRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task Commit_SlotEnds_WrittenOnceWithItsLinesAndReplayDoesNothing()
    {
        _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        await _rig.Step(15 * 60 + 30);

        var closed = Assert.Single(_rig.Ledger(), s => s.Closed);
        Assert.Equal(LedgerRig.Start, closed.Start);
        Assert.Equal(LedgerRig.Start.AddMinutes(15), closed.End);
        Assert.Equal(1, _rig.Store.SlotCount());
        Assert.Equal(0, _rig.Store.Commit([closed with { CoveredSeconds = 1 }], _rig.Recorder.Book.State, _rig.Recorder.Book.Current, _rig.Time.GetUtcNow()));

        var again = Assert.Single(_rig.Ledger(), s => s.Closed);
        Assert.Equal(closed.CoveredSeconds, again.CoveredSeconds);           // the first write stands
        Assert.Equal(closed.Gpus.Count, again.Gpus.Count);
        Assert.Equal(closed.Workloads.Select(w => w.GpuKwh), again.Workloads.Select(w => w.GpuKwh));
        Assert.Equal(0.7 * (15 * 60 - 1) / 3600, again.Gpus.Single().Kwh, 1e-6);
        var open = Assert.Single(_rig.Ledger(), s => !s.Closed);            // the slot in progress, from its checkpoint
        Assert.Equal(closed.End, open.Start);
    }

    [Fact]
    public async Task Resume_KilledMidSlot_ContinuesTheSlotWithTheDowntimeFlaggedAndNothingCountedTwice()
    {
        _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        await _rig.Step(33);                      // checkpointed at 5-s intervals; the last 3 s are only in memory
        _rig.Crash();
        await _rig.Step(20, tick: false);         // down for 20 s; the GPU's counter goes on (a real NVML counter)
        await _rig.Step(10);
        await _rig.Step(15 * 60);

        var slots = _rig.Ledger();
        var closed = Assert.Single(slots, s => s.Closed);
        Assert.Equal(0.7 * (15 * 60 - 1) / 3600, closed.Gpus.Single().Kwh, 1e-6);   // all of it: the counter bridged the downtime
        Assert.Contains(closed.Flags, f => f.StartsWith("gap:", StringComparison.Ordinal));
        Assert.InRange(closed.CoveredSeconds, 15 * 60 - 1 - 25, 15 * 60 - 1 - 20);
        Assert.Equal(_rig.ImportKw * (15 * 60 - 1) / 3600, closed.Site.ImportKwh, 1e-6);
    }

    [Fact]
    public async Task Resume_RestartedWithinASecondOfTheLastCheckpoint_StillAGapNotCovered()
    {
        _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        await _rig.Step(11);                      // the last checkpoint is of the last tick (10 s after the first)
        await _rig.Recorder.TickAsync(CancellationToken.None, forceCheckpoint: true);
        _rig.Crash();
        await _rig.Step();                        // back a second later: shorter than a gap between ticks, but a restart
        await _rig.Step();

        var slot = _rig.Recorder.Book.Current!;
        Assert.Contains(slot.Flags, f => f.StartsWith("gap:", StringComparison.Ordinal));
        Assert.Equal(11, slot.CoveredSeconds, 6);             // 10 s before, the restart's second not, the one after it
        Assert.Equal(0.7 * 12 / 3600, slot.Gpus.Single().Kwh, 1e-9);   // the counter bridged it
    }

    [Fact]
    public async Task Resume_KilledAndSlotOverAtRestart_ClosedWithWhatItHadOnceAndNextSlotsContiguous()
    {
        _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        await _rig.Step(100);
        _rig.Crash();
        await _rig.Step(40 * 60, tick: false);    // down across the rest of the slot and the whole next one
        await _rig.Step(5);
        _rig.Crash();                             // and killed again right after the restart
        await _rig.Step(5);

        var slots = _rig.Ledger();
        Assert.Equal([LedgerRig.Start, LedgerRig.Start.AddMinutes(15), LedgerRig.Start.AddMinutes(30)], slots.Select(s => s.Start));
        Assert.Equal(slots.Take(2).Select(s => s.End), slots.Skip(1).Select(s => s.Start));
        Assert.Contains(slots[0].Flags, f => f.StartsWith("HeatGrid stopped at 2026-12-07T10:01:36Z", StringComparison.Ordinal));
        Assert.Equal(0.7 * 95 / 3600, slots[0].Gpus.Single().Kwh, 1e-6);              // up to its last checkpoint (10:01:36)
        Assert.Contains(slots[1].Flags, f => f.StartsWith("not observed", StringComparison.Ordinal));
        Assert.Equal(0, slots[1].CoveredSeconds);
        Assert.Equal(2, _rig.Store.SlotCount());
        Assert.False(slots[2].Closed);
        Assert.Contains(slots[2].Flags, f => f.StartsWith("gap:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resume_SimulatedCounterRestartsAtZero_ResetAgainstTheCheckpointNoNegativeEnergy()
    {
        var gpu = _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700, counterKwh: 3);
        await _rig.Step(11);
        _rig.Crash();
        gpu.CounterKwh = 0;                       // a new process's simulated GPU
        await _rig.Step(10);

        var line = _rig.Recorder.Book.Current!.Gpus.Single();
        Assert.Equal(1, line.CounterResets);
        Assert.Equal(0.7 * 20 / 3600, line.Kwh, 1e-6);   // 10 s before the crash, 10 s in the new process (from 0)
        Assert.All(_rig.Recorder.Book.Current!.Gpus, g => Assert.True(g.Kwh >= 0));
    }

    [Fact]
    public void Open_EmptyFolder_MigratesToTheLatestSchema()
    {
        Assert.Equal(LedgerMigrations.Latest, _rig.Store.SchemaVersion);
        Assert.Equal(LedgerMigrations.Latest, _rig.Store.MigrationsRun);
        Assert.Null(_rig.Store.ReadCheckpoint());
        Assert.Empty(_rig.Ledger());
    }

    [Fact]
    public async Task Open_RollbackJournalKeptInPlace_NoMemoryMappedWalIndexBesideTheFile()
    {
        _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        await _rig.Step(12);

        // TRUNCATE leaves the journal in place, empty, between commits (DELETE would remove it, WAL keep -wal and -shm).
        Assert.Equal(0, new FileInfo(_rig.Store.Path + "-journal").Length);
        // WAL's -shm index is mapped into memory: a write to it when the file cannot take one is a SIGBUS, not an error.
        Assert.False(File.Exists(_rig.Store.Path + "-shm"));
        Assert.False(File.Exists(_rig.Store.Path + "-wal"));
    }

    [Fact]
    public void Open_DatabaseOfVersion1_MigratedWithItsSlotsKept()
    {
        var path = Path.Combine(_rig.Folder, "v1.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            Assert.Equal(1, LedgerMigrations.Apply(c, upTo: 1));
            using var q = c.CreateCommand();
            q.CommandText = """
                INSERT INTO slots VALUES (1796637600000, 1796641200000, 3600, 10, 'Counter', 10, 9, 7, 1, 1, 1, 50, 90, 0.9, '[]', 0, '[]', '[]');
                INSERT INTO workload_lines VALUES (1796637600000, 'acme-inference', 'inference', 'Acme AI', 7, 7.28, 10, 5760, 600, 21, 0.65);
                """;
            q.ExecuteNonQuery();
        }

        using var store = LedgerStore.OpenFile(path);
        Assert.Equal(LedgerMigrations.Latest - 1, store.MigrationsRun);
        Assert.Equal(LedgerMigrations.Latest, store.SchemaVersion);
        var slot = Assert.Single(store.Read(DateTimeOffset.FromUnixTimeMilliseconds(0), DateTimeOffset.MaxValue.AddDays(-1)));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1796637600000), slot.Start);
        Assert.Equal(21, slot.Workloads.Single().Revenue);
        Assert.Null(store.ReadCheckpoint());      // the v2 table exists and is empty
        Assert.Null(slot.Site.ImportRegisterStartKwh);   // v3's columns: null in a slot written before them
    }

    [Fact]
    public void Open_DatabaseOfANewerSchema_Refused()
    {
        var path = Path.Combine(_rig.Folder, "future.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var q = c.CreateCommand();
            q.CommandText = "PRAGMA user_version = 99";
            q.ExecuteNonQuery();
        }

        var e = Assert.Throws<InvalidDataException>(() => LedgerStore.OpenFile(path));
        Assert.Contains("version 99", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_WhileTheRecorderWrites_SeesWholeSlotsOnItsOwnConnection()
    {
        _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", 700);
        using var reader = LedgerStore.Open(_rig.Folder);     // what the statements read through
        await _rig.Step(15 * 60 + 6);
        var closed = Assert.Single(reader.Read(LedgerRig.Start, LedgerRig.Start.AddDays(1)), s => s.Closed);
        Assert.Single(closed.Gpus);
        Assert.Equal(new LedgerInfo("bathhouse", "Europe/Berlin", "EUR"), reader.Info);
    }
}
