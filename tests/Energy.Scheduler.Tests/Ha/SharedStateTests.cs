using System.Text.Json;
using Energy.Contracts.Units;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Ha;
using Energy.Scheduler.Policy;
using Energy.Scheduler.Tests.Controller.Agents;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Ha;

/// <summary>
/// The policy's versions and the curtailments in a store two controllers share (the database with <c>--ha</c>; here one
/// in memory with its semantics: only the writer writes): what the leader keeps is what a standby reads and a new leader
/// takes over, through the same code as the data folder's files.
/// </summary>
public sealed class SharedStateTests
{
    private static readonly DateTimeOffset Now = FleetRig.Start;
    private static readonly AuditActor Ana = new("ana", "operator", "10.0.0.7");
    private readonly FakeTimeProvider _time = new(Now);

    [Fact]
    public void Curtailment_KeptByTheLeader_InForceOnTheStandbyAfterReload()
    {
        var shared = new MemoryDocuments();
        var leaderDocs = shared.As(writing: true);
        var leader = new GridLimit(FleetRig.MakeSite(10_000), leaderDocs, NullLogger<GridLimit>.Instance, null, _time);
        var standby = new GridLimit(FleetRig.MakeSite(10_000), shared.As(writing: false), NullLogger<GridLimit>.Instance, null, _time);

        Assert.Equal(CurtailOutcome.InForce, leader.Curtail("tso-1", Power.FromKilowatts(6), Now, Now.AddMinutes(30), "congestion", "http:tso"));
        Assert.Equal(10, standby.CapAt(Now).Kilowatts, 6);
        Assert.True(standby.Reload(Now, save: false));
        Assert.Equal(6, standby.CapAt(Now).Kilowatts, 6);

        Assert.Equal(CancelOutcome.Cancelled, leader.Cancel("tso-1", Now.AddMinutes(1), "http:tso"));
        Assert.True(standby.Reload(Now.AddMinutes(1), save: false));
        Assert.Equal(10, standby.CapAt(Now.AddMinutes(1)).Kilowatts, 6);
    }

    [Fact]
    public void Curtailment_HeardByTheStandbyWhileNobodyLeads_KeptAtTheTakeover()
    {
        var shared = new MemoryDocuments();
        var leader = new GridLimit(FleetRig.MakeSite(10_000), shared.As(writing: true), NullLogger<GridLimit>.Instance, null, _time);
        leader.Curtail("before", Power.FromKilowatts(8), Now, Now.AddHours(1), null, "mqtt:x");
        var standbyDocs = shared.As(writing: false);
        var standby = new GridLimit(FleetRig.MakeSite(10_000), standbyDocs, NullLogger<GridLimit>.Instance, null, _time);

        // The leader is gone; a grid operator's request reaches the standby only.
        standby.Curtail("during", Power.FromKilowatts(5), Now, Now.AddHours(1), null, "mqtt:x");
        Assert.DoesNotContain("during", shared.Body(GridLimit.FileName), StringComparison.Ordinal);   // a standby writes nothing

        standbyDocs.Writing = true;   // taking over
        standby.Reload(Now, save: true);
        Assert.Equal(["before", "during"], standby.Active(Now).Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["during"], standby.AdoptedAtLastReload.Select(c => c.Id));   // no leader audited it: the new leader does
        Assert.Contains("during", shared.Body(GridLimit.FileName), StringComparison.Ordinal);
        Assert.Equal(5, standby.CapAt(Now).Kilowatts, 6);
    }

    [Fact]
    public void Reload_FileStore_DoesNothing()
    {
        var folder = Directory.CreateTempSubdirectory("heatgrid-shared-").FullName;
        try
        {
            var limit = new GridLimit(FleetRig.MakeSite(10_000), folder, NullLogger<GridLimit>.Instance, null, _time);
            limit.Curtail("x", Power.FromKilowatts(4), Now, Now.AddHours(1), null);
            Assert.False(limit.Reload(Now, save: false));
            Assert.Equal(4, limit.CapAt(Now).Kilowatts, 6);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Policy_ChangedThroughOneController_InForceOnTheOtherAfterReload()
    {
        var store = new MemoryPolicyStore();
        var a = new PolicyState(TestSites.Bathhouse(), store, _time, NullLogger<PolicyState>.Instance);
        var b = new PolicyState(TestSites.Bathhouse(), store, _time, NullLogger<PolicyState>.Instance);
        Assert.Equal((1, 1), (a.InForce.Version.Version, b.InForce.Version.Version));   // b resumed the version a made from the site file

        var changed = a.Change(JsonDocument.Parse("""{"maxImportPricePerMwh": 123}""").RootElement, "test", 1, Ana);
        Assert.Equal(PolicyChangeOutcome.Changed, changed.Outcome);
        Assert.Equal(1, b.InForce.Version.Version);
        Assert.True(b.Reload());
        Assert.Equal(2, b.InForce.Version.Version);
        Assert.Equal(123, b.Site.Policy.MaxImportPrice!.Value.PerMegawattHour, 6);
        Assert.Equal(2, b.Versions().Count);
        Assert.False(b.Reload());

        // b changes next, on the version in force: no conflict, version 3, which a then reads.
        Assert.Equal(PolicyChangeOutcome.Changed, b.Change(JsonDocument.Parse("""{"maxImportPricePerMwh": 99}""").RootElement, null, 2, Ana).Outcome);
        Assert.True(a.Reload());
        Assert.Equal(3, a.InForce.Version.Version);
    }

    [Fact]
    public void Policy_SameVersionWrittenByTwo_SecondRefusedNotApplied()
    {
        var store = new MemoryPolicyStore();
        var a = new PolicyState(TestSites.Bathhouse(), store, _time, NullLogger<PolicyState>.Instance);
        var b = new PolicyState(TestSites.Bathhouse(), store, _time, NullLogger<PolicyState>.Instance);
        Assert.Equal(PolicyChangeOutcome.Changed, a.Change(JsonDocument.Parse("""{"maxImportPricePerMwh": 123}""").RootElement, null, null, Ana).Outcome);
        var late = b.Change(JsonDocument.Parse("""{"maxImportPricePerMwh": 77}""").RootElement, null, null, Ana);
        Assert.Equal(PolicyChangeOutcome.NotSaved, late.Outcome);
        Assert.Equal(1, b.InForce.Version.Version);
    }

    /// <summary>Documents as the database keeps them: whole, shared, written only by a writer.</summary>
    private sealed class MemoryDocuments
    {
        private readonly Dictionary<string, (string Body, DateTimeOffset At)> _rows = new(StringComparer.Ordinal);

        public string Body(string name)
        {
            lock (_rows)
            {
                return _rows.TryGetValue(name, out var row) ? row.Body : "";
            }
        }

        public View As(bool writing) => new(this) { Writing = writing };

        public sealed class View(MemoryDocuments shared) : IStateDocuments
        {
            public bool Writing { get; set; }

            public bool IsShared => true;

            public string Where(string name) => "memory:" + name;

            public StateFileRead Read(string name)
            {
                lock (shared._rows)
                {
                    return shared._rows.TryGetValue(name, out var row) ? new StateFileRead(StateFileStatus.Good, row.Body, null) : new StateFileRead(StateFileStatus.Missing, null, null);
                }
            }

            public void Write(string name, string body)
            {
                if (Writing)
                {
                    lock (shared._rows)
                    {
                        shared._rows[name] = (body, Now);
                    }
                }
            }

            public string? MoveAside(string name) => null;

            public DateTimeOffset? LastWrite(string name)
            {
                lock (shared._rows)
                {
                    return shared._rows.TryGetValue(name, out var row) ? row.At : null;
                }
            }
        }
    }

    /// <summary>Versions as the database keeps them: one per number, a second writer of a number refused.</summary>
    private sealed class MemoryPolicyStore : IPolicyVersionStore
    {
        private readonly SortedDictionary<int, PolicyVersion> _versions = [];

        public string Folder => "memory";

        public bool IsShared => true;

        public (IReadOnlyList<(string Site, PolicyVersion Entry)> Versions, IReadOnlyList<string> Problems) Load()
        {
            lock (_versions)
            {
                return ([.. _versions.Values.Select(v => (TestSites.Bathhouse().Name, v))], []);
            }
        }

        public void Append(string site, PolicyVersion entry)
        {
            lock (_versions)
            {
                if (!_versions.TryAdd(entry.Version, entry))
                {
                    throw new IOException($"version {entry.Version} exists already");
                }
            }
        }
    }
}
