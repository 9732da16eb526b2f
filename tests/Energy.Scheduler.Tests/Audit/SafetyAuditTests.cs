using System.Text.Json;
using Energy.Contracts.Units;
using Energy.Scheduler.Audit;

namespace Energy.Scheduler.Tests.Audit;

/// <summary>The control loop's safety actions become one audit entry per transition, never one per tick.</summary>
public sealed class SafetyAuditTests
{
    private static readonly Power Cap = Power.FromKilowatts(900);
    private static readonly Power HoldBelow = Power.FromKilowatts(882);

    private readonly RecordingTrail _trail = new();
    private readonly SafetyAudit _safety;
    private DateTimeOffset _now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    public SafetyAuditTests() => _safety = new SafetyAudit(_trail);

    private void Tick(bool safe = false, string[]? hot = null, int shed = 0, double? meteredKw = null, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _safety.Observe(_now, safe, hot ?? [], shed, shed > 0 ? ["holding the site under 882 kW (the grid cap): 3 GPUs shed"] : [],
                meteredKw is { } kw ? Power.FromKilowatts(kw) : null, Cap, HoldBelow);
            _now += TimeSpan.FromSeconds(1);
        }
    }

    [Fact]
    public void SafeState_EnteredAndLeft_TwoEntries()
    {
        Tick(safe: true, times: 5);
        Tick(safe: false, times: 5);

        Assert.Equal(["safety.safeState", "safety.safeState"], _trail.Entries.Select(e => e.What));
        Assert.True(_trail.Entries[0].After.GetProperty("safeState").GetBoolean());
        Assert.Equal("no plan covers now: GPUs held in the safe state", _trail.Entries[0].Why);
        Assert.False(_trail.Entries[1].After.GetProperty("safeState").GetBoolean());
        Assert.All(_trail.Entries, e => Assert.Equal(AuditActor.Controller, e.Actor));
    }

    [Fact]
    public void HotLoops_EachChange_OneEntryWithBeforeAndAfter()
    {
        Tick(hot: ["bath"], times: 3);
        Tick(hot: ["bath", "pool"], times: 3);
        Tick(hot: [], times: 3);

        Assert.Equal(3, _trail.Entries.Count);
        Assert.All(_trail.Entries, e => Assert.Equal("safety.overTemperature", e.What));
        Assert.Equal(["bath"], Loops(_trail.Entries[1].Before));
        Assert.Equal(["bath", "pool"], Loops(_trail.Entries[1].After));
        Assert.Equal("pool cooled: its GPUs may work again; bath cooled: its GPUs may work again"
            .Split("; ").Order(StringComparer.Ordinal), _trail.Entries[2].Why!.Split("; ").Order(StringComparer.Ordinal));
        Assert.Empty(Loops(_trail.Entries[2].After));
    }

    [Fact]
    public void Shedding_StartsAtOnce_EndsOnlyAfterSettling_FlappingWritesNothingMore()
    {
        Tick(shed: 3);
        Tick(shed: 0, times: 10);
        Tick(shed: 5, times: 2);                                                          // within the settle time: the same episode
        Assert.Single(_trail.Entries);

        Tick(shed: 0, times: (int)SafetyAudit.Settle.TotalSeconds + 1);

        Assert.Equal(2, _trail.Entries.Count);
        var (start, end) = (_trail.Entries[0], _trail.Entries[1]);
        Assert.Equal(("safety.shed", 0, 3), (start.What, start.Before.GetProperty("shedGpus").GetInt32(), start.After.GetProperty("shedGpus").GetInt32()));
        Assert.Contains("3 GPUs shed", start.Why, StringComparison.Ordinal);
        Assert.Equal((5.0, 0), (end.Before.GetProperty("shedGpus").GetDouble(), end.After.GetProperty("shedGpus").GetInt32()));
    }

    [Fact]
    public void CapBreach_MeteredOverTheCap_StartAndEnd()
    {
        Tick(meteredKw: 850, times: 3);
        Tick(meteredKw: 930);
        Tick(meteredKw: 950);
        Tick(meteredKw: 880, times: (int)SafetyAudit.Settle.TotalSeconds + 1);

        Assert.Equal(["safety.capBreach", "safety.capBreach"], _trail.Entries.Select(e => e.What));
        Assert.Equal((true, 930.0, 900.0), (_trail.Entries[0].After.GetProperty("overCap").GetBoolean(),
            _trail.Entries[0].After.GetProperty("meteredKw").GetDouble(), _trail.Entries[0].After.GetProperty("capKw").GetDouble()));
        Assert.Equal((950.0, false), (_trail.Entries[1].Before.GetProperty("peakKw").GetDouble(), _trail.Entries[1].After.GetProperty("overCap").GetBoolean()));
    }

    [Fact]
    public void Shed_CountsGpusWantedWithWorkAndSentWithout()
    {
        static Energy.Contracts.Agents.GpuAssignment A(string id, string? workload) =>
            new(id, workload, Power.FromWatts(300), DateTimeOffset.UnixEpoch, 1);

        Assert.Equal(1, SafetyAudit.Shed([A("g0", "mining"), A("g1", "mining"), A("g2", null)], [A("g0", null), A("g1", "mining"), A("g2", null)]));
    }

    private static List<string?> Loops(JsonElement value) => [.. value.GetProperty("hotLoops").EnumerateArray().Select(l => l.GetString())];

    private sealed record Entry(AuditActor Actor, string What, JsonElement Before, JsonElement After, string? Why);

    private sealed class RecordingTrail : IAuditTrail
    {
        public List<Entry> Entries { get; } = [];

        public long? Record(AuditActor actor, string what, object? before, object? after, string? why)
        {
            Entries.Add(new Entry(actor, what, AuditChain.Value(before)!.Value, AuditChain.Value(after)!.Value, why));
            return Entries.Count;
        }

        public IReadOnlyList<JsonElement> Latest(int limit, long since) => [];
    }
}
