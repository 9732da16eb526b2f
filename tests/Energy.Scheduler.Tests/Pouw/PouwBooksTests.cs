using System.Text;
using Energy.Gpu.Pouw;
using Energy.Scheduler.Books;
using Energy.Scheduler.Pouw;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Energy.Scheduler.Tests.Pouw.PouwTestWork;

namespace Energy.Scheduler.Tests.Pouw;

/// <summary>The PoUW books on a real ledger file and jobs.json: mined tickets accepted and counted, forged ones refused with their reason, restarts.</summary>
public sealed class PouwBooksTests : IDisposable
{
    private const string Tenant = "Acme AI";
    private const string Job = "chat-l12";

    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-pouw-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly sbyte[] _weights = Matrix(1, N);
    private LedgerStore _ledger;
    private PouwBooks _books;

    public PouwBooksTests()
    {
        _ledger = LedgerStore.Open(_data);
        _books = Open();
    }

    public void Dispose()
    {
        _ledger.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private PouwBooks Open() => new(_data, _ledger, TestSites.Bathhouse(), _time, NullLogger<PouwBooks>.Instance);

    private PouwHeader Register(string tenant = Tenant, string job = Job, sbyte[]? weights = null) =>
        _books.Register(tenant, job, Root(weights ?? _weights, N), Parameters, PouwHeader.TargetFor(TilesPerTicket));

    private List<PouwTicket> MineLogged(PouwHeader header, int count, sbyte[]? weights = null, int firstSeed = 1000) =>
        Mine(weights ?? _weights, header, count, root => _books.LogBatch(header.Tenant, header.Job, root), firstSeed);

    [Fact]
    public void Submit_MinedTicket_AcceptedWithTheJobsWorkAndValue_TheHeaderAdvancesToIt()
    {
        var header = Register();
        var ticket = MineLogged(header, 1)[0];
        _time.Advance(PouwBooks.DefaultHeaderPeriod);

        var entry = _books.Submit(ticket);

        Assert.Equal((true, "accepted", (long)M * N * K, ticket.Id), (entry.IsAccepted, entry.Outcome, entry.WorkUnits, entry.TicketId));
        Assert.Equal((0.0011, "EUR"), (entry.Value, entry.Currency));      // the bathhouse's mining workload: unit ticket, 0.0011 EUR
        var next = _books.Registry.CurrentHeader(Tenant, Job)!;
        Assert.Equal(1, next.Sequence);
        Assert.Equal(ticket.TileHash, next.Previous);
        var total = Assert.Single(_books.Totals());
        Assert.Equal(new PouwLedgerTotal(Tenant, "accepted", 1, (long)M * N * K, 0.0011), total);
    }

    [Fact]
    public void Submit_EveryWinningTileOfOneProduct_AllAccepted_TheHeaderAdvancesOncePerPeriod()
    {
        var header = Register();
        var tickets = MineLogged(header, 4);

        Assert.All(tickets, t => Assert.True(_books.Submit(t).IsAccepted));
        Assert.Equal(0, _books.Registry.CurrentHeader(Tenant, Job)!.Sequence);      // within the period: one header for all

        _time.Advance(PouwBooks.DefaultHeaderPeriod);
        var later = MineLogged(header, 1, firstSeed: 4000)[0];
        Assert.True(_books.Submit(later).IsAccepted);
        var next = _books.Registry.CurrentHeader(Tenant, Job)!;
        Assert.Equal((1L, later.TileHash), (next.Sequence, next.Previous));
    }

    [Fact]
    public void Energy_MeasuredJoulesPerTicket_FromTheMiningGpusCounters_BesideTheModel()
    {
        var header = Register();
        Assert.Null(_books.Energy().MeasuredJoulesPerTicket);      // nothing mined, nothing accepted

        var tickets = MineLogged(header, 4);
        var start = _time.GetUtcNow();
        var slot = Books.StatementTestLedger.Slot(start) with
        {
            Gpus = [new GpuLedgerLine("h100-0", "liquid-h100", "mining", 0.03, 3600, 0), new GpuLedgerLine("h100-1", "liquid-h100", "mining", 0.01, 3600, 0),
                new GpuLedgerLine("h100-2", "liquid-h100", "heater", 0.5, 3600, 0)],
        };
        _ledger.Commit([slot], null, null, start.AddHours(1));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.All(tickets, t => Assert.True(_books.Submit(t).IsAccepted));

        var energy = _books.Energy();
        var n = tickets.Count;
        Assert.Equal(("mining", 0.04, n), (energy.Workload, energy.MiningGpuKwh, energy.TicketsVerified));
        Assert.Equal(Math.Round(0.04 * 3.6e6 / n, 1), energy.MeasuredJoulesPerTicket!.Value, 6);          // the heater's GPU is not mining's
        Assert.Equal(Math.Round(0.0011 * 3.6e9 / (0.04 * 3.6e6 / n), 2), energy.MeasuredValuePerMwh!.Value, 6);
        Assert.Equal((36_000.0, 110.0), (energy.ModelJoulesPerTicket!.Value, Math.Round(energy.ModelValuePerMwh!.Value, 6)));

        // A day later the slot and the tickets are out of the window.
        _time.Advance(TimeSpan.FromDays(1.1));
        Assert.Equal((0.0, 0), (_books.Energy().MiningGpuKwh, _books.Energy().TicketsVerified));
    }

    [Fact]
    public void Submit_TheSameTicketTwice_TheSecondIsADuplicateWorthNothing()
    {
        var ticket = MineLogged(Register(), 1)[0];
        _time.Advance(PouwBooks.DefaultHeaderPeriod);
        Assert.True(_books.Submit(ticket).IsAccepted);

        var again = _books.Submit(ticket);

        Assert.Equal(("duplicate", 0L, 0.0), (again.Outcome, again.WorkUnits, again.Value));
        Assert.Equal(1, _books.Registry.CurrentHeader(Tenant, Job)!.Sequence);     // a duplicate does not advance the header
        Assert.Equal([("accepted", 1L), ("duplicate", 1L)], _books.Totals().Select(t => (t.Outcome, t.Tickets)));
    }

    [Fact]
    public void Submit_TicketsFromRandomMatrices_RefusedForEveryRegisteredJob()
    {
        var jobs = new[] { Register(), Register("Beta Labs", "vision", Matrix(2, N)) };
        var randomW = Matrix(99, N);
        foreach (var header in jobs)
        {
            // Random weights with their own root, under the job's header: not the model the tenant registered.
            var forgedWeights = Mine(randomW, header with { WeightsRoot = Root(randomW, N) }, 1, firstSeed: 5000)[0];
            // Random activations with the job's real weights, never logged by the inference server.
            var unlogged = Mine(header.Tenant == Tenant ? _weights : Matrix(2, N), header, 1, firstSeed: 6000)[0];
            // Random matrices under a job nobody registered.
            var unknown = Mine(randomW, header with { Job = "not-registered", WeightsRoot = Root(randomW, N) }, 1, firstSeed: 7000)[0];

            Assert.Equal("wrong-weights-root", _books.Submit(forgedWeights).Outcome);
            Assert.Equal("unknown-activations", _books.Submit(unlogged).Outcome);
            Assert.Equal("unknown-job", _books.Submit(unknown).Outcome);
        }

        Assert.DoesNotContain(_books.Totals(), t => t.Outcome == "accepted");
        Assert.All(jobs, h => Assert.Equal(0, _books.Registry.CurrentHeader(h.Tenant, h.Job)!.Sequence));
        Assert.Equal(3, _books.Totals().Where(t => t.Tenant == "Beta Labs").Sum(t => t.Tickets));   // the unknown job's ticket counts under the tenant it names
    }

    [Fact]
    public void Submit_TicketOfHeader0_AfterTheHeaderAdvancedTwice_IsStale()
    {
        var header0 = Register();
        var tickets0 = MineLogged(header0, 2);
        _time.Advance(PouwBooks.DefaultHeaderPeriod);
        Assert.True(_books.Submit(tickets0[0]).IsAccepted);
        var header1 = _books.Registry.CurrentHeader(Tenant, Job)!;
        _time.Advance(PouwBooks.DefaultHeaderPeriod);
        Assert.True(_books.Submit(MineLogged(header1, 1, firstSeed: 3000)[0]).IsAccepted);
        Assert.Equal(2, _books.Registry.CurrentHeader(Tenant, Job)!.Sequence);

        var late = _books.Submit(tickets0[1]);

        Assert.Equal("stale-job", late.Outcome);
        Assert.Contains("stale", late.Detail, StringComparison.Ordinal);
        Assert.Equal("duplicate", _books.Submit(tickets0[0]).Outcome);     // the accepted one is a duplicate first, stale or not
    }

    [Fact]
    public void Restart_JobsBatchesAndLedgerKept_TheAcceptedTicketStaysADuplicate_ALoggedBatchStillCounts()
    {
        var header = Register();
        var tickets = MineLogged(header, 2);
        _time.Advance(PouwBooks.DefaultHeaderPeriod);
        Assert.True(_books.Submit(tickets[0]).IsAccepted);

        _ledger.Dispose();
        _ledger = LedgerStore.Open(_data);
        _books = Open();

        var job = _books.Registry.FindJob(Tenant, Job)!;
        Assert.Equal((1L, Convert.ToHexStringLower(Root(_weights, N))), (job.CurrentSequence, Convert.ToHexStringLower(job.WeightsRoot)));
        Assert.True(_books.Registry.IsActivationsLogged(Tenant, Job, tickets[1].ActivationsRoot));
        Assert.Equal("duplicate", _books.Submit(tickets[0]).Outcome);
        Assert.True(_books.Submit(tickets[1]).IsAccepted);      // header 0 is still within the window (the job is at 1)
        Assert.Equal(2, _books.Totals().Single(t => t.Outcome == "accepted").Tickets);
        Assert.False(File.Exists(_books.JobsPath + ".tmp"));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{"format": "something-else/1", "jobs": []}""")]
    [InlineData("""{"format": "hgpouw-jobs/1", "jobs": [{"registeredAt": "2026-06-01T10:00:00Z", "headers": []}]}""")]
    public void Open_BrokenJobsFile_RefusedNamingTheFile_AndLeftAsItWas(string text)
    {
        Register();
        File.WriteAllText(_books.JobsPath, text);

        var e = Assert.Throws<PouwRegistryFileException>(Open);

        Assert.Contains(_books.JobsPath, e.Message, StringComparison.Ordinal);
        Assert.Contains("never replaces it", e.Message, StringComparison.Ordinal);
        Assert.Equal(text, File.ReadAllText(_books.JobsPath, Encoding.UTF8));
        Assert.Equal(e.Message + " Nothing was started.", PouwBooks.StartRefusal(_data));
    }

    [Fact]
    public void Register_JobsFileCannotBeWritten_SaveExceptionAndAlarm_ClearedByTheNextSave()
    {
        var pouw = Path.Combine(_data, PouwBooks.FolderName);
        File.WriteAllText(pouw, "a file where the folder belongs");
        var alarms = new Telemetry.Health.Alarms(_time, NullLogger<Telemetry.Health.Alarms>.Instance);
        var books = new PouwBooks(_data, _ledger, TestSites.Bathhouse(), _time, NullLogger<PouwBooks>.Instance, alarms);

        var e = Assert.Throws<PouwSaveException>(() => books.Register(Tenant, Job, Root(_weights, N), Parameters, PouwHeader.TargetFor(TilesPerTicket)));

        Assert.Contains(books.JobsPath, e.Message, StringComparison.Ordinal);
        Assert.True(alarms.IsRaised(PouwBooks.SaveAlarm));
        File.Delete(pouw);
        books.Register(Tenant, "second", Root(_weights, N), Parameters, PouwHeader.TargetFor(TilesPerTicket));
        Assert.False(alarms.IsRaised(PouwBooks.SaveAlarm));
        Assert.Equal([Job, "second"], PouwJobRegistry.FromJson(File.ReadAllText(books.JobsPath)).Jobs().Select(j => j.Job).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void LogBatch_IsTheLedgers_NotARewriteOfJobsJson_AndARestartRestoresIt()
    {
        var header = Register();
        var written = File.GetLastWriteTimeUtc(_books.JobsPath);
        var before = File.ReadAllText(_books.JobsPath);
        var roots = Enumerable.Range(1, 50).Select(i => Enumerable.Repeat((byte)i, 32).ToArray()).ToList();
        roots.ForEach(r => _books.LogBatch(Tenant, Job, r));

        Assert.Equal(before, File.ReadAllText(_books.JobsPath));        // no rewrite per batch
        Assert.Equal(written, File.GetLastWriteTimeUtc(_books.JobsPath));
        _books = Open();
        Assert.All(roots, r => Assert.True(_books.Registry.IsActivationsLogged(Tenant, Job, r)));
        Assert.Equal(header.Hash(), _books.Registry.CurrentHeader(Tenant, Job)!.Hash());
    }

    [Fact]
    public void StartRefusal_NoJobsFileOrAGoodOne_None()
    {
        Assert.Null(PouwBooks.StartRefusal(_data));
        Register();
        Assert.Null(PouwBooks.StartRefusal(_data));
    }

    [Fact]
    public void Statement_TenantsAcceptedTickets_CountedInTheHourTheyWereAcceptedIn()
    {
        _ledger.WriteInfo(new LedgerInfo("Bathhouse", "Europe/Berlin", "EUR"));
        _time.Advance(TimeSpan.FromMinutes(30));
        var header = Register();
        var tickets = MineLogged(header, 2);
        Assert.True(_books.Submit(tickets[0]).IsAccepted);                    // 10:30Z = 12:30 in Berlin (CEST)
        _time.Advance(TimeSpan.FromMinutes(45));
        Assert.True(_books.Submit(tickets[1]).IsAccepted);                    // 13:15 local (header 0 is 45 min old: still good)
        Assert.Equal("duplicate", _books.Submit(tickets[1]).Outcome);         // refused: not on the statement

        var statement = StatementBuilder.Build(_ledger, new StatementRequest(StatementParty.Tenant(Tenant), new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 1),
            StatementFormat.Json));

        var work = (double)M * N * K;
        Assert.Equal([(12, 1.0, work), (13, 1.0, work)], statement.Hourly.Select(h => (h.Start.Hour, Figures(h))).Where(x => x.Item2.PouwTickets > 0)
            .Select(x => (x.Hour, x.Item2.PouwTickets, x.Item2.PouwWorkUnits)));
        var total = Figures(statement.Total);
        Assert.Equal((2.0, 2 * work), (total.PouwTickets, total.PouwWorkUnits));
        Assert.Equal(0.0022, total.PouwRevenue, 12);
        Assert.Equal(2.0, Figures(Assert.Single(statement.Daily)).PouwTickets);
        Assert.Contains(total.Fields(), f => f.Name == "pouwRevenue" && f.Unit == StatementUnit.Money);
        Assert.Contains("pouwTickets", StatementFormats.Render(statement, StatementFormat.Csv).Split('\n')[0], StringComparison.Ordinal);

        static StatementTenantFigures Figures(StatementLine line) => (StatementTenantFigures)line.Figures;
    }
}
