using Energy.Gpu.Pouw;
using Energy.IntegrationTests.Support;
using Energy.Scheduler.Books;
using Energy.Scheduler.Ha;
using Energy.Scheduler.Pouw;
using Energy.TestSupport.Pouw;
using Energy.TestSupport.Sites;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Energy.IntegrationTests.Ha;

/// <summary>
/// The PoUW job registry in the shared database (<c>--ha</c>) on a real PostgreSQL: a job registered and a header advanced
/// through one controller's books are the second controller's after it takes over (each with its own
/// <see cref="HaDatabase"/>, as a second process would have); a standby's books write nothing.
/// </summary>
public sealed class PgPouwRegistryTests
{
    private const string Site = "pouw-test";
    private const int M = 32;
    private const int N = 32;
    private const int K = 256;
    private static readonly PouwParameters Shape = new(M, N, K, 8, 16, 16, 64);

    [RequiresPostgresFact]
    public async Task JobRegisteredThroughTheLeader_ItsJobAndAdvancedHeader_KnownToTheNextLeaderAfterTheTakeover()
    {
        await using var server = await PostgresServer.StartAsync();
        await server.CreateDatabaseAsync("pouw");
        await using var first = await DatabaseAsync(server);
        await using var second = await DatabaseAsync(server);
        var folder = Directory.CreateTempSubdirectory("heatgrid-pg-pouw-").FullName;
        try
        {
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero));
            using var ledger = LedgerStore.Open(folder);          // the SQLite ledger: the shared one is not this test's
            var leaderDocuments = new PgStateDocuments(first) { Writing = true };
            var leader = Books(folder, ledger, time, leaderDocuments);
            var standbyDocuments = new PgStateDocuments(second);
            var standby = Books(folder, ledger, time, standbyDocuments);
            var leadership = new TakeoverOnly();
            new PouwTakeover(standby, leadership, NullLogger<PouwTakeover>.Instance).Attach();

            var weights = PouwTestOperands.Matrix(1, N, K);
            var header = leader.Register("Acme AI", "chat", PouwMerkle.RootOf(weights, N, K), Shape, PouwHeader.TargetFor(2));
            var ticket = MineOne(weights, header, root => leader.LogBatch("Acme AI", "chat", root));
            time.Advance(PouwBooks.DefaultHeaderPeriod);
            Assert.True(leader.Submit(ticket).IsAccepted);
            var advanced = leader.Registry.CurrentHeader("Acme AI", "chat")!;
            Assert.Equal(1, advanced.Sequence);

            // The standby's books write nothing to the database.
            standby.Register("Acme AI", "standby-only", PouwMerkle.RootOf(weights, N, K), Shape, PouwHeader.TargetFor(2));
            var stored = await BodyAsync(server);
            Assert.Equal(advanced.Hash(), PouwJobRegistry.FromJson(stored).CurrentHeader("Acme AI", "chat")?.Hash());     // the file's JSON, in the row
            Assert.DoesNotContain("standby-only", stored, StringComparison.Ordinal);
            Assert.Null(standby.Registry.FindJob("Acme AI", "chat"));

            var next = MineOne(weights, advanced, root => leader.LogBatch("Acme AI", "chat", root), firstSeed: 3000);
            leadership.Take();

            Assert.Equal(advanced.Hash(), standby.Registry.CurrentHeader("Acme AI", "chat")?.Hash());
            Assert.Equal(header.Hash(), standby.Registry.IssuedHeader("Acme AI", "chat", 0)?.Hash());
            Assert.Null(standby.Registry.FindJob("Acme AI", "standby-only"));     // the database's registry, not what it kept alone
            Assert.True(standby.Submit(next).IsAccepted);        // its batch, logged through the old leader, restored from the ledger

            // A third controller started now reads the same registry.
            await using var third = await DatabaseAsync(server);
            var later = Books(folder, ledger, time, new PgStateDocuments(third));
            Assert.Equal(["chat"], later.Registry.Jobs().Select(j => j.Job));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static PouwBooks Books(string folder, LedgerStore ledger, TimeProvider time, PgStateDocuments documents) =>
        new(folder, ledger, TestSites.Bathhouse(), time, NullLogger<PouwBooks>.Instance, documents: documents);

    private static PouwTicket MineOne(sbyte[] weights, PouwHeader header, Action<byte[]> log, int firstSeed = 1000)
    {
        for (var seed = firstSeed; seed < firstSeed + 200; seed++)
        {
            var mined = PouwCpuMiner.Mine(PouwTestOperands.Matrix(seed, M, K), weights, header);
            if (mined.Tickets.Count > 0)
            {
                log(mined.ActivationsRoot);
                return mined.Tickets[0];
            }
        }

        throw new InvalidOperationException("200 batches gave no ticket at 1 in 2 tiles");
    }

    private static Task<HaDatabase> DatabaseAsync(PostgresServer server) => server.MigratedDatabaseAsync("pouw", Site);

    private static async Task<string> BodyAsync(PostgresServer server)
    {
        await using var connection = await server.OpenAsync("pouw");
        await using var command = new NpgsqlCommand("SELECT body FROM heatgrid_state WHERE site = @site AND name = @name", connection);
        command.Parameters.AddWithValue("site", Site);
        command.Parameters.AddWithValue("name", PouwBooks.DocumentName);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Only the takeover event, raised by the test (the real leadership's lock and lease are PgLeadershipTests').</summary>
    private sealed class TakeoverOnly : ILeadership
    {
        public event Action<LeadershipMove>? TakingOver;

        public event Action<LeadershipMove>? Leading { add { } remove { } }

        public event Action<string>? SteppedDown { add { } remove { } }

        public ControllerRole Role { get; private set; } = ControllerRole.Standby;

        public long Epoch { get; private set; } = 1;

        public bool MayDispatch() => Role == ControllerRole.Leader;

        public LeadershipView View() => throw new NotSupportedException();

        public void NewerEpochSeen(long seen, string where)
        {
        }

        public void Take()
        {
            TakingOver?.Invoke(new LeadershipMove(2, DateTimeOffset.UnixEpoch, "second", "first", 1, "test"));
            (Role, Epoch) = (ControllerRole.Leader, 2);
        }
    }
}
