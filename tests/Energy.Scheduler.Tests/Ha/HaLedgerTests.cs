using Energy.Scheduler.Books;
using Energy.Scheduler.Tests.Books;

namespace Energy.Scheduler.Tests.Ha;

/// <summary>
/// The energy recorder of two controllers sharing one ledger (<c>--ha</c>): only the leader books, a standby books
/// nothing, and a new leader goes on from the last checkpoint the old one wrote, so the slot is written once with all its
/// energy (the counters bridge the takeover) and nothing counted twice.
/// </summary>
public sealed class HaLedgerTests : IDisposable
{
    private const double Watts = 700;
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(15);
    private readonly LedgerRig _rig = new();

    public HaLedgerTests() => _rig.Link.Add("liquid-h100/0", "liquid-h100", "acme-inference", Watts);

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task Standby_BooksNothing_ThenTakesOverFromTheLeadersCheckpoint_SlotWrittenOnceWithAllItsEnergy()
    {
        var (a, b, leader, standby) = Pair();

        await RunAsync(33, leader, standby);
        Assert.True(leader.Booking);
        Assert.False(standby.Booking);
        Assert.Null(standby.Book.State);
        Assert.True(leader.Status.LastError is null, leader.Status.LastError);
        Assert.NotNull(leader.Status.CheckpointAt);
        var open = Assert.Single(_rig.Ledger());              // the leader's checkpoint, which the standby reads too
        Assert.False(open.Closed);
        Assert.Equal(_rig.Ledger().Single().Start, Assert.Single(standby.Read(LedgerRig.Start.AddDays(-1), LedgerRig.Start.AddDays(1))).Start);

        // The leader dies (no more ticks, nothing after its last checkpoint written); the standby waits out the lease, then leads.
        await RunAsync(10, standby);
        Assert.Null(standby.Book.State);
        b.Take(8);
        await RunAsync((int)Slot.TotalSeconds - 43 + 5, standby);

        var closed = Assert.Single(_rig.Ledger(), s => s.Closed);
        Assert.Equal(Watts / 1000 * (Slot.TotalSeconds - 1) / 3600, closed.Gpus.Single().Kwh, 1e-6);   // all of it, once: the counter bridged the takeover
        Assert.Contains(closed.Flags, f => f.StartsWith("gap:", StringComparison.Ordinal));
        Assert.InRange(closed.CoveredSeconds, Slot.TotalSeconds - 1 - 15, Slot.TotalSeconds - 1 - 10);
        Assert.Equal(_rig.ImportKw * (Slot.TotalSeconds - 1) / 3600, closed.Site.ImportKwh, 1e-6);
    }

    [Fact]
    public async Task LeaderStepsDown_ForgetsWhatItHeld_LeadsAgainLater_ResumesFromTheOtherLeadersCheckpoint()
    {
        var (a, b, first, second) = Pair();

        await RunAsync(60, first, second);
        a.StepDown("lost the database");
        Assert.False(first.Booking);
        await RunAsync(1, first, second);
        Assert.Null(first.Book.State);                      // dropped: it would be stale by the time it leads again

        b.Take(8);
        await RunAsync(300, first, second);
        var before = _rig.Ledger().Single();
        Assert.Equal(Watts / 1000 * 361 / 3600, before.Gpus.Single().Kwh, 0.01);

        b.StepDown("another leads");
        a.Take(9);
        await RunAsync((int)Slot.TotalSeconds - 361 + 3, first, second);

        var closed = Assert.Single(_rig.Ledger(), s => s.Closed);
        Assert.Equal(Watts / 1000 * (Slot.TotalSeconds - 1) / 3600, closed.Gpus.Single().Kwh, 1e-6);
        Assert.Equal(_rig.ImportKw * (Slot.TotalSeconds - 1) / 3600, closed.Site.ImportKwh, 1e-6);
    }

    /// <summary>Two controllers on the rig's ledger: a leads (epoch 7), b stands by.</summary>
    private (FakeLeadership A, FakeLeadership B, EnergyRecorder Leader, EnergyRecorder Standby) Pair()
    {
        var a = new FakeLeadership { Role = Energy.Scheduler.Ha.ControllerRole.Leader, Epoch = 7, Leader = "me" };
        var b = new FakeLeadership { Epoch = 7, Leader = "a" };
        return (a, b, _rig.Controller(a), _rig.Controller(b));
    }

    /// <summary>Advances <paramref name="seconds"/> one second at a time; every controller's recorder ticks each second.</summary>
    private async Task RunAsync(int seconds, params EnergyRecorder[] recorders)
    {
        for (var i = 0; i < seconds; i++)
        {
            await _rig.Step(tick: false);
            foreach (var r in recorders)
            {
                await r.TickAsync(CancellationToken.None);
            }
        }
    }
}
