using System.Text.Json;
using Energy.IntegrationTests.Support;
using Energy.Scheduler.Api;
using Energy.Scheduler.Books;
using Energy.Scheduler.Cli;
using Energy.Scheduler.Ha;
using Energy.TestSupport.Sites;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Energy.IntegrationTests.Ha;

/// <summary>
/// The energy ledger in the shared database (<see cref="PgLedgerStore"/>) on a real PostgreSQL: the same slots, checkpoint
/// and proof-of-useful-work rows as the embedded SQLite ledger keeps for the same bookings; writes fenced by the lease's
/// epoch, so a deposed leader's late write is refused and nothing of it kept; the database away is an error the recorder
/// reports, not a crash, and the books go on when it returns.
/// </summary>
public sealed class PgLedgerStoreTests
{
    private const string Site = "ledger-test";
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(15);

    [RequiresPostgresFact]
    public async Task Books_AsTheEmbeddedLedgerKeepsThem_SlotsWrittenOnce_CheckpointAndProofRows()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await DatabaseAsync(server, "ledger_books");
        using var shared = new PgLedgerStore(database, epoch: null);
        var folder = Directory.CreateTempSubdirectory("heatgrid-pg-ledger-").FullName;
        try
        {
            using var embedded = LedgerStore.Open(folder);
            var (closed, book) = Book(TimeSpan.FromMinutes(37));
            Assert.Equal(2, closed.Count);
            foreach (var store in new ILedgerStore[] { embedded, shared })
            {
                store.WriteInfo(new LedgerInfo(Site, "Europe/Berlin", "EUR"));
                Assert.Equal(1, store.Commit([closed[0]], book.State, book.Current, Start.AddMinutes(20)));
                Assert.Equal(1, store.Commit(closed, book.State, book.Current, Start.AddMinutes(37)));     // the first again: a replay, left as it was
                Assert.Equal(0, store.Commit(closed, book.State, book.Current, Start.AddMinutes(37)));
            }

            // The same slots with their lines, the same open slot, the same checkpoint, byte for byte in the API's JSON.
            var (since, until) = (Start.AddDays(-1), Start.AddDays(1));
            Assert.Equal(3, shared.Read(since, until).Count);
            Assert.Equal(Json(embedded.Read(since, until)), Json(shared.Read(since, until)));
            Assert.Equal(Json(embedded.ReadCheckpoint()), Json(shared.ReadCheckpoint()));
            Assert.Equal(Start.AddMinutes(37), shared.CheckpointSavedAt());
            Assert.Equal((2L, embedded.Info), (shared.SlotCount(), shared.Info));
            Assert.Contains(shared.Read(since, until)[0].Workloads, w => w.Name == "acme-inference" && w.GpuKwh > 0);
            Assert.Contains(shared.Read(since, until)[0].HeatLoops, l => l.Loop == "bath" && l.DeliveredKwh > 0);

            // Proof of useful work: a ticket id is accepted once, whatever else is recorded about it.
            foreach (var store in new ILedgerStore[] { embedded, shared })
            {
                Assert.True(store.RecordPouw(Ticket("t1", "accepted", 0)));
                Assert.False(store.RecordPouw(Ticket("t1", "accepted", 1)));
                Assert.True(store.RecordPouw(Ticket("t1", "duplicate", 2)));
                Assert.True(store.RecordPouw(Ticket("t2", "stale", 3)));
                Assert.True(store.IsPouwAccepted("t1"));
                Assert.False(store.IsPouwAccepted("t2"));
                store.RecordPouwBatches(Start, "acme", "llm", ["aa", "bb", "cc"]);
                store.RecordPouwBatch(Start, "acme", "llm", "bb");
            }

            Assert.Equal(Json(embedded.ReadPouw(since, until)), Json(shared.ReadPouw(since, until)));
            Assert.Equal(3, shared.ReadPouw(since, until).Count);
            Assert.Equal(Json(embedded.PouwTotals()), Json(shared.PouwTotals()));
            Assert.Equal(["bb", "cc"], shared.ReadPouwBatches(2).Select(b => b.Root));
            Assert.Equal(embedded.ReadPouwBatches(2), shared.ReadPouwBatches(2));

            // heatgrid report --ha: the same statement from the shared books as from the data folder's.
            foreach (var (tenant, buyer, facility) in new[] { ("Acme AI", (string?)null, false), (null, "Stadtbad Therme", false), (null, null, true) })
            {
                var arguments = new Energy.Scheduler.Books.StatementArguments("2026-12-07", "2026-12-07", tenant, buyer, facility, "json");
                using var fromFile = new StringWriter();
                using var fromDatabase = new StringWriter();
                using var errors = new StringWriter();
                Assert.Equal(0, ReportCommand.Run(arguments, null, folder, fromFile, errors, ReportCommand.OpenLedger));
                Assert.Equal(0, ReportCommand.RunShared(arguments, null, server.ConnectionUri("ledger_books"), Site, null,
                    v => v == HaOptions.PasswordVariable ? server.Password : null, fromDatabase, errors));
                Assert.True(errors.ToString().Length == 0, errors.ToString());
                Assert.Equal(fromFile.ToString(), fromDatabase.ToString());
                using var statement = JsonDocument.Parse(fromDatabase.ToString());
                Assert.Equal(tenant ?? buyer, statement.RootElement.GetProperty("party").GetString());   // the facility has none but the site
                Assert.Equal(Site, statement.RootElement.GetProperty("site").GetString());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        // Another site in the same database keeps its own books.
        await using var other = new HaDatabase(database.Options, "other-site");
        using var otherBooks = new PgLedgerStore(other, epoch: null);
        Assert.Equal(0, otherBooks.SlotCount());
        Assert.Null(otherBooks.ReadCheckpoint());
        Assert.Empty(otherBooks.PouwTotals());
    }

    [RequiresPostgresFact]
    public async Task Writes_FencedByTheLeasesEpoch_DeposedLeaderRefusedWithNothingKept_DatabaseAwayIsAnError_BooksGoOnAfter()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await DatabaseAsync(server, "ledger_fence");
        await LeaseAsync(server, "ledger_fence", "a", 100);
        var (closed, book) = Book(TimeSpan.FromMinutes(20));
        long aEpoch = 100, bEpoch = 0;
        using var a = new PgLedgerStore(database, () => aEpoch);
        using var b = new PgLedgerStore(database, () => bEpoch);

        Assert.Equal(1, a.Commit(closed, book.State, book.Current, Start.AddMinutes(20)));
        var refused = Assert.Throws<LedgerWriteException>(() => b.Commit([], null, null, Start.AddMinutes(20)));   // a standby: would delete the checkpoint
        Assert.True(refused.Fenced);
        Assert.Contains("does not lead", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(a.ReadCheckpoint());

        // b takes over (the lease row moves to its epoch); a, deposed but not yet aware, is refused and keeps nothing.
        await LeaseAsync(server, "ledger_fence", "b", 101);
        bEpoch = 101;
        var (later, laterBook) = Book(TimeSpan.FromMinutes(32));
        var late = Assert.Throws<LedgerWriteException>(() => a.Commit(later, laterBook.State, laterBook.Current, Start.AddMinutes(32)));
        Assert.True(late.Fenced);
        Assert.Contains("epoch 100 no longer leads (epoch 101 does)", late.Message, StringComparison.Ordinal);
        Assert.Throws<LedgerWriteException>(() => a.RecordPouw(Ticket("late", "accepted", 0)));
        Assert.Throws<LedgerWriteException>(() => a.RecordPouwBatch(Start, "acme", "llm", "dd"));
        Assert.Equal(1, b.SlotCount());
        Assert.Equal(Start.AddMinutes(20), b.CheckpointSavedAt());
        Assert.False(b.IsPouwAccepted("late"));

        Assert.Equal(1, b.Commit(later, laterBook.State, laterBook.Current, Start.AddMinutes(32)));
        Assert.Equal(2, b.SlotCount());

        // The database away: reads and writes fail with why (the recorder holds its slots and says so), nothing hangs.
        await server.StopAsync();
        var away = Assert.Throws<LedgerWriteException>(() => b.Commit(later, laterBook.State, laterBook.Current, Start.AddMinutes(33)));
        Assert.False(away.Fenced);
        Assert.Throws<HaUnavailableException>(() => b.Read(Start, Start.AddDays(1)));
        await server.RestartAsync();
        NpgsqlConnection.ClearAllPools();
        await RetryAsync(() => b.Commit(later, laterBook.State, laterBook.Current, Start.AddMinutes(34)));
        Assert.Equal(Start.AddMinutes(34), b.CheckpointSavedAt());
    }

    /// <summary>The books a recorder keeps for <paramref name="length"/> of one GPU, the site meter and the bath's heat meter.</summary>
    private static (List<LedgerSlot> Closed, LedgerBook Book) Book(TimeSpan length)
    {
        var book = new LedgerBook(TestSites.Bathhouse());
        var closed = new List<LedgerSlot>();
        for (var s = 0; s <= (int)length.TotalSeconds; s++)
        {
            var now = Start.AddSeconds(s);
            var slot = Start + (Slot * Math.Floor((now - Start) / Slot));
            var hours = s / 3600.0;
            var loops = new Dictionary<string, LedgerLoopReading>(StringComparer.Ordinal)
            {
                ["bath"] = new(Meter("bath.heatEnergyKwh", 20_000 + (360 * hours), 360), LedgerValue.Good(70), LedgerValue.Good(0), LedgerValue.Good(0)),
            };
            closed.AddRange(book.Tick(new LedgerTick(now, slot, slot + Slot, 100 + (s / 900), 140, [new LedgerGpuReading("liquid-h100/0", "liquid-h100", "acme-inference", 0.7 * hours)],
                Meter("grid.importEnergyKwh", 5_000 + (100 * hours), 100), loops, [])));
        }

        return (closed, book);
    }

    private static LedgerMeterReading Meter(string register, double kwh, double kw) =>
        new(register, LedgerValue.Good(kwh), register.Replace("Energy", "Power", StringComparison.Ordinal), LedgerValue.Good(kw));

    private static PouwLedgerEntry Ticket(string id, string outcome, int minute) =>
        new(Start.AddMinutes(minute), "acme", "llm", minute, id, outcome, outcome == "accepted" ? "" : "seen before", outcome == "accepted" ? 64 : 0, outcome == "accepted" ? 0.25 : 0, "EUR");

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, LedgerApi.Json);

    private static async Task LeaseAsync(PostgresServer server, string name, string holder, long epoch)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString(name));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO heatgrid_leader (site, holder, holder_name, epoch, since, renewed_at, released)
            VALUES (@site, @holder, @holder, @epoch, clock_timestamp(), clock_timestamp(), false)
            ON CONFLICT (site) DO UPDATE SET holder = excluded.holder, holder_name = excluded.holder_name, epoch = excluded.epoch
            """, connection);
        command.Parameters.AddWithValue("site", Site);
        command.Parameters.AddWithValue("holder", holder);
        command.Parameters.AddWithValue("epoch", epoch);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task RetryAsync(Action write)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                write();
                return;
            }
            catch (LedgerWriteException) when (attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));   // the pool's connections to the stopped server are discarded as they fail
            }
        }
    }

    private static Task<HaDatabase> DatabaseAsync(PostgresServer server, string name) => server.MigratedDatabaseAsync(name, Site, controller: "a");
}
