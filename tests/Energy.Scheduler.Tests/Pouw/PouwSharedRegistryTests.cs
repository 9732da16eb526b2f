using Energy.Gpu.Pouw;
using Energy.Scheduler.Books;
using Energy.Scheduler.Ha;
using Energy.Scheduler.Pouw;
using Energy.Scheduler.Tests.Ha;
using Energy.Telemetry.Health;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Energy.Scheduler.Tests.Pouw.PouwTestWork;

namespace Energy.Scheduler.Tests.Pouw;

/// <summary>
/// The PoUW job registry with <c>--ha</c>: kept as a state document two controllers share (here in memory, with the
/// database's semantics: only the writer writes), read again by the controller that takes over, so the jobs registered and
/// the headers advanced through the old leader are the new leader's; a standby writes nothing; a broken document is never overwritten.
/// </summary>
public sealed class PouwSharedRegistryTests : IDisposable
{
    private const string Tenant = "Acme AI";
    private const string Job = "chat-l12";

    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-pouw-ha-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly sbyte[] _weights = Matrix(1, N);
    private readonly SharedDocuments _shared = new();
    private readonly LedgerStore _ledger;      // one ledger for both, as the shared database's is

    public PouwSharedRegistryTests() => _ledger = LedgerStore.Open(_data);

    public void Dispose()
    {
        _ledger.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private (PouwBooks Books, SharedDocuments.View Documents, FakeLeadership Leadership, Alarms Alarms) Controller(bool leads)
    {
        var documents = _shared.As(writing: leads);
        var alarms = new Alarms(_time, NullLogger<Alarms>.Instance);
        var books = new PouwBooks(_data, _ledger, TestSites.Bathhouse(), _time, NullLogger<PouwBooks>.Instance, alarms, documents: documents);
        var leadership = new FakeLeadership { Role = leads ? ControllerRole.Leader : ControllerRole.Standby };
        leadership.TakingOver += _ => documents.Writing = true;        // HaTakeover's part, registered before PoUW's
        leadership.SteppedDown += _ => documents.Writing = false;
        new PouwTakeover(books, leadership, NullLogger<PouwTakeover>.Instance).Attach();
        return (books, documents, leadership, alarms);
    }

    private PouwHeader Register(PouwBooks books, string job = Job) =>
        books.Register(Tenant, job, Root(_weights, N), Parameters, PouwHeader.TargetFor(TilesPerTicket));

    [Fact]
    public void JobRegisteredAndAdvancedThroughTheLeader_KnownToTheNewLeaderAfterItsTakeover_ItsTicketsAccepted()
    {
        var a = Controller(leads: true);
        var b = Controller(leads: false);       // started before the job was registered: knows nothing of it
        var header = Register(a.Books);
        var first = Mine(_weights, header, 1, root => a.Books.LogBatch(Tenant, Job, root))[0];
        _time.Advance(PouwBooks.DefaultHeaderPeriod);
        Assert.True(a.Books.Submit(first).IsAccepted);
        var advanced = a.Books.Registry.CurrentHeader(Tenant, Job)!;
        Assert.Equal(1, advanced.Sequence);
        var next = Mine(_weights, advanced, 1, root => a.Books.LogBatch(Tenant, Job, root), firstSeed: 3000)[0];
        Assert.Null(b.Books.Registry.FindJob(Tenant, Job));
        Assert.Contains("hgpouw-jobs/1", _shared.Body(PouwBooks.DocumentName), StringComparison.Ordinal);

        a.Leadership.StepDown("lease lost");
        b.Leadership.Take(8);

        var taken = b.Books.Registry.CurrentHeader(Tenant, Job);
        Assert.NotNull(taken);
        Assert.Equal(advanced.Hash(), taken.Hash());
        var (was, now) = (a.Books.Registry.FindJob(Tenant, Job)!, b.Books.Registry.FindJob(Tenant, Job)!);
        Assert.Equal((was.CurrentSequence, was.Parameters, was.RegisteredAt), (now.CurrentSequence, now.Parameters, now.RegisteredAt));
        Assert.Equal(was.WeightsEpoch, now.WeightsEpoch);
        Assert.True(b.Documents.Writing);
        // The batch logged through the old leader after its last save is the ledger's: restored at the takeover, so its ticket verifies.
        var entry = b.Books.Submit(next);
        Assert.True(entry.IsAccepted, entry.Outcome + ": " + entry.Detail);
        Assert.Equal("duplicate", b.Books.Submit(first).Outcome);
    }

    [Fact]
    public void Standby_WritesNothing_TheLeadersDocumentStands()
    {
        var a = Controller(leads: true);
        var b = Controller(leads: false);
        Register(a.Books);
        var before = _shared.Body(PouwBooks.DocumentName);

        Register(b.Books, "standby-only");      // the API answers 503 on a standby; the books themselves keep it in memory only

        Assert.Equal(before, _shared.Body(PouwBooks.DocumentName));
        Assert.DoesNotContain("standby-only", _shared.Body(PouwBooks.DocumentName), StringComparison.Ordinal);
        Assert.Equal(1, _shared.Writes);
    }

    [Fact]
    public void Standby_Refresh_ReadsTheLeadersJobs_OnlyWhenWritten()
    {
        var a = Controller(leads: true);
        var b = Controller(leads: false);
        var takeover = new PouwTakeover(b.Books, b.Leadership, NullLogger<PouwTakeover>.Instance);
        Register(a.Books);

        takeover.Refresh();
        Assert.NotNull(b.Books.Registry.FindJob(Tenant, Job));
        var reads = _shared.Reads;
        takeover.Refresh();
        Assert.Equal(reads, _shared.Reads);          // not written since: not read again

        Register(a.Books, "second");
        takeover.Refresh();
        Assert.Equal([Job, "second"], b.Books.Registry.Jobs().Select(j => j.Job));

        var aTakeover = new PouwTakeover(a.Books, a.Leadership, NullLogger<PouwTakeover>.Instance);
        reads = _shared.Reads;
        aTakeover.Refresh();                          // the leader's memory is the truth: it does not read
        Assert.Equal(reads, _shared.Reads);
    }

    [Fact]
    public void Takeover_CorruptDocument_AlarmedAndNeverOverwritten_JobsInMemoryStay_UntilAGoodOneIsBack()
    {
        var a = Controller(leads: true);
        var b = Controller(leads: false);
        Register(a.Books);
        b.Books.Reload(restoreActivations: false);
        var good = _shared.Body(PouwBooks.DocumentName);
        _shared.Put(PouwBooks.DocumentName, "{ \"format\": \"hgpouw-jobs/1\", \"jobs\": [{ \"headers\": [] }] }");

        a.Leadership.StepDown("lease lost");
        b.Leadership.Take(8);                         // the takeover goes on: PoUW is not a reason to leave the site without a leader

        Assert.NotNull(b.Books.Registry.FindJob(Tenant, Job));
        Assert.True(b.Books.SharedUnreadable);
        var alarm = Assert.Single(b.Alarms.Critical());
        Assert.Equal(PouwBooks.SharedAlarm, alarm.Key);
        Assert.Contains("not overwritten", alarm.Message, StringComparison.Ordinal);
        var e = Assert.Throws<PouwSaveException>(() => Register(b.Books, "after"));
        Assert.Contains("never overwritten", e.Message, StringComparison.Ordinal);
        Assert.True(b.Alarms.IsRaised(PouwBooks.SaveAlarm));
        Assert.Contains("\"headers\": []", _shared.Body(PouwBooks.DocumentName), StringComparison.Ordinal);

        // A person puts the good one back (without touching its time): the leader's poll takes it up and the alarms clear.
        _shared.Put(PouwBooks.DocumentName, good, keepTime: true);
        new PouwTakeover(b.Books, b.Leadership, NullLogger<PouwTakeover>.Instance).Refresh();
        Assert.False(b.Books.SharedUnreadable);
        Assert.Empty(b.Alarms.Current());
        Register(b.Books, "after");
        Assert.Contains("after", _shared.Body(PouwBooks.DocumentName), StringComparison.Ordinal);
    }

    [Fact]
    public void Takeover_DatabaseAway_FailsTheTakeover_RegistryUnchanged()
    {
        var a = Controller(leads: true);
        var b = Controller(leads: false);
        Register(a.Books);
        _shared.Away = true;

        Assert.Throws<IOException>(() => b.Leadership.Take(8));     // the leadership steps down on a handler that throws
        Assert.Null(b.Books.Registry.FindJob(Tenant, Job));
        Assert.False(b.Books.SharedUnreadable);

        var takeover = new PouwTakeover(b.Books, b.Leadership, NullLogger<PouwTakeover>.Instance);
        b.Leadership.Role = ControllerRole.Standby;
        takeover.Refresh();                                          // a standby's poll only logs it
        _shared.Away = false;
        takeover.Refresh();
        Assert.NotNull(b.Books.Registry.FindJob(Tenant, Job));
    }

    [Fact]
    public void Start_CorruptSharedDocument_Refused_AndLeftAsItWas()
    {
        _shared.Put(PouwBooks.DocumentName, "{ not json");

        var e = Assert.Throws<PouwRegistryFileException>(() => Controller(leads: true));

        Assert.Contains("memory:pouw/jobs.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("never replaces it", e.Message, StringComparison.Ordinal);
        Assert.Equal(e.Message + " Nothing was started.", PouwBooks.StartRefusal(_shared.As(writing: true)));
        Assert.Equal("{ not json", _shared.Body(PouwBooks.DocumentName));
        _shared.Away = true;
        Assert.Contains("cannot be read", PouwBooks.StartRefusal(_shared.As(writing: true)), StringComparison.Ordinal);
        _shared.Away = false;
        _shared.Put(PouwBooks.DocumentName, new PouwJobRegistry().ToJson());
        Assert.Null(PouwBooks.StartRefusal(_shared.As(writing: true)));
        Assert.False(File.Exists(Path.Combine(_data, PouwBooks.FolderName, PouwBooks.JobsFileName)));   // with --ha the data folder holds no jobs.json
    }

    /// <summary>Documents in memory with the shared database's semantics: a view writes only while <c>Writing</c>; <c>Away</c> makes every read an IOException.</summary>
    private sealed class SharedDocuments
    {
        private readonly Dictionary<string, (string Body, DateTimeOffset At)> _rows = new(StringComparer.Ordinal);
        private long _version;

        public bool Away { get; set; }

        public int Writes { get; private set; }

        public int Reads { get; private set; }

        public string Body(string name)
        {
            lock (_rows)
            {
                return _rows.TryGetValue(name, out var row) ? row.Body : "";
            }
        }

        /// <summary>What a person with psql does.</summary>
        public void Put(string name, string body, bool keepTime = false)
        {
            lock (_rows)
            {
                _rows[name] = (body, keepTime && _rows.TryGetValue(name, out var row) ? row.At : Next());
            }
        }

        public View As(bool writing) => new(this) { Writing = writing };

        private DateTimeOffset Next() => DateTimeOffset.UnixEpoch.AddTicks(++_version * 10);

        public sealed class View(SharedDocuments shared) : IStateDocuments
        {
            public bool Writing { get; set; }

            public bool IsShared => true;

            public string Where(string name) => "memory:" + name;

            public StateFileRead Read(string name)
            {
                lock (shared._rows)
                {
                    if (shared.Away)
                    {
                        throw new IOException($"{Where(name)} cannot be read: the database is away");
                    }

                    shared.Reads++;
                    return shared._rows.TryGetValue(name, out var row) ? new StateFileRead(StateFileStatus.Good, row.Body, null)
                        : new StateFileRead(StateFileStatus.Missing, null, null);
                }
            }

            public void Write(string name, string body)
            {
                lock (shared._rows)
                {
                    if (shared.Away)
                    {
                        throw new IOException($"{Where(name)} could not be written: the database is away");
                    }

                    if (Writing)
                    {
                        shared._rows[name] = (body, shared.Next());
                        shared.Writes++;
                    }
                }
            }

            public string? MoveAside(string name) => null;

            public DateTimeOffset? LastWrite(string name)
            {
                lock (shared._rows)
                {
                    return shared.Away ? null : shared._rows.TryGetValue(name, out var row) ? row.At : null;
                }
            }
        }
    }
}
