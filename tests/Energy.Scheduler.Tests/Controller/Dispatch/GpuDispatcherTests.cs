using Energy.Contracts.Agents;
using Energy.Contracts.Planning;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.Dispatch;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller.Dispatch;

public sealed class GpuDispatcherTests
{
    private const string Pool = "liquid-h100";
    private const string Acme = "acme-inference";
    private static readonly DateTimeOffset Until = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 16, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Assign_SamePlanTwice_SecondCallMovesNothingAndKeepsTargets()
    {
        var site = Site(liquid: 100);
        var fleet = new DispatchFleet(site);
        var dispatcher = new GpuDispatcher(site);
        var slot = DispatchFleet.Slot(Alloc(Acme, 40, 500), Alloc("mining", 60, 600));

        var first = Dispatch(dispatcher, fleet, slot);
        Assert.Equal(100, dispatcher.LastCall.Started);
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = Dispatch(dispatcher, fleet, slot);

        Assert.Equal(0, dispatcher.LastCall.Moves);
        Assert.Equal(0, dispatcher.LastCall.Started);
        Assert.Equal(0, dispatcher.Moves);
        Assert.Equal(first.Select(a => (a.GpuId, a.Workload, a.PowerTarget)), second.Select(a => (a.GpuId, a.Workload, a.PowerTarget)));
        Assert.Equal(40, second.Count(a => a.Workload == Acme));
        Assert.All(second.Where(a => a.Workload == "mining"), a => Assert.Equal(600, a.PowerTarget.Watts, precision: 6));
    }

    [Fact]
    public void Assign_WorkloadShrinks_GpusOnItLongestLeave()
    {
        var site = Site(liquid: 60);
        var fleet = new DispatchFleet(site);
        var dispatcher = new GpuDispatcher(site);
        Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc("mining", 30, 600)));
        var oldest = fleet.On("mining").ToHashSet();
        _time.Advance(TimeSpan.FromMinutes(20));
        Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc("mining", 60, 600)));
        _time.Advance(TimeSpan.FromMinutes(20));

        var after = Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc("mining", 40, 600), Alloc(Acme, 20, 500)));

        var toAcme = after.Where(a => a.Workload == Acme).Select(a => a.GpuId).ToList();
        Assert.Equal(20, toAcme.Count);
        Assert.All(toAcme, id => Assert.Contains(id, oldest));
        Assert.Equal(20, dispatcher.LastCall.Moves);
        Assert.Contains("20 GPUs of liquid-h100 move from mining to acme-inference", dispatcher.Explanations);
    }

    [Fact]
    public void Assign_SwitchWithinMinDwell_IsHeldThenAllowedOnceTheDwellHasPassed()
    {
        var site = Site(liquid: 10);
        var fleet = new DispatchFleet(site);
        var dispatcher = new GpuDispatcher(site);
        var started = _time.GetUtcNow();
        Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc("mining", 10, 600)));
        var split = DispatchFleet.Slot(Alloc("mining", 5, 600), Alloc(Acme, 5, 500));

        _time.Advance(TimeSpan.FromMinutes(1));
        var held = Dispatch(dispatcher, fleet, split);

        Assert.All(held, a => Assert.Equal("mining", a.Workload));
        Assert.All(held, a => Assert.Equal(300, a.PowerTarget.Watts, precision: 6));
        Assert.Equal(5, dispatcher.LastCall.HeldByDwell);
        Assert.Equal(0, dispatcher.LastCall.Moves);
        Assert.Contains("5 GPUs of liquid-h100 stay on mining for their minimum dwell (15 min); mining's 3 kW is spread over them",
            dispatcher.Explanations);

        _time.SetUtcNow(started + site.Policy.MinDwell - TimeSpan.FromSeconds(1));
        Assert.All(Dispatch(dispatcher, fleet, split), a => Assert.Equal("mining", a.Workload));

        _time.SetUtcNow(started + site.Policy.MinDwell);
        var moved = Dispatch(dispatcher, fleet, split);

        Assert.Equal(5, moved.Count(a => a.Workload == Acme));
        Assert.All(moved.Where(a => a.Workload == "mining"), a => Assert.Equal(600, a.PowerTarget.Watts, precision: 6));
        Assert.Equal(5, dispatcher.LastCall.Moves);
        Assert.Equal(5, dispatcher.Moves);
    }

    [Fact]
    public void Assign_ShedWithinMinDwell_GoesIdleAtOnce()
    {
        var site = Site(liquid: 10);
        var fleet = new DispatchFleet(site);
        var dispatcher = new GpuDispatcher(site);
        Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc("mining", 10, 600)));
        _time.Advance(TimeSpan.FromSeconds(5));

        var shed = Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc("mining", 4, 600)));

        Assert.Equal(6, shed.Count(a => a.Workload is null));
        Assert.All(shed.Where(a => a.Workload is null), a => Assert.Equal(80, a.PowerTarget.Watts));
        Assert.Equal(6, dispatcher.LastCall.Stopped);
        Assert.All(Dispatch(dispatcher, fleet, slot: null), a => Assert.Null(a.Workload));
        Assert.Contains("no plan covers now: all 10 GPUs go idle", dispatcher.Explanations);
    }

    [Fact]
    public void Assign_IdleGpuWithinDwellOfAnotherWorkload_MayStartAnyWorkload()
    {
        var site = Site(liquid: 10);
        var fleet = new DispatchFleet(site);
        var dispatcher = new GpuDispatcher(site);
        Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc("mining", 10, 600)));
        _time.Advance(TimeSpan.FromMinutes(1));
        Dispatch(dispatcher, fleet, DispatchFleet.Slot());
        _time.Advance(TimeSpan.FromMinutes(1));

        var started = Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc(Acme, 10, 500)));

        Assert.All(started, a => Assert.Equal(Acme, a.Workload));
        Assert.Equal(10, dispatcher.LastCall.Started);
    }

    [Fact]
    public void Assign_TenantLosesNoMoreThanTheBand_KeepsThemAtLowerPower()
    {
        // 100 GPUs: the band is max(1, ceil(2 % of 100)) = 2, so a decrease of 1 (or 2) is absorbed.
        var site = Site(liquid: 100);
        var fleet = new DispatchFleet(site, (_, _) => Acme);
        var dispatcher = new GpuDispatcher(site);

        var absorbed = Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc(Acme, 99, 400), Alloc("mining", 1, 600)));

        Assert.All(absorbed, a => Assert.Equal(Acme, a.Workload));
        Assert.All(absorbed, a => Assert.Equal(99 * 400 / 100.0, a.PowerTarget.Watts, precision: 6));
        Assert.Equal(1, dispatcher.LastCall.HeldByHysteresis);
        Assert.Equal(0, dispatcher.LastCall.Moves);
        Assert.Contains(dispatcher.Explanations, e => e.StartsWith("acme-inference keeps 100 GPUs of liquid-h100 where the plan asks for 99", StringComparison.Ordinal));
    }

    [Fact]
    public void Assign_TenantLosesMoreThanTheBand_MovesThem()
    {
        var site = Site(liquid: 100);
        var fleet = new DispatchFleet(site, (_, _) => Acme);

        var moved = new GpuDispatcher(site).Assign(DispatchFleet.Slot(Alloc(Acme, 97, 400), Alloc("mining", 3, 600)),
            fleet.States, _time.GetUtcNow(), Until, 1);

        Assert.Equal(97, moved.Count(a => a.Workload == Acme));
        Assert.Equal(3, moved.Count(a => a.Workload == "mining"));
    }

    [Fact]
    public void Assign_AbsorbingWouldGoBelowTheMinimumPower_MovesTheGpu()
    {
        var site = Site(liquid: 100);
        var fleet = new DispatchFleet(site, (_, _) => Acme);

        var moved = new GpuDispatcher(site).Assign(DispatchFleet.Slot(Alloc(Acme, 99, 200), Alloc("mining", 1, 600)),
            fleet.States, _time.GetUtcNow(), Until, 1);

        Assert.Equal(99, moved.Count(a => a.Workload == Acme));
        Assert.All(moved.Where(a => a.Workload == Acme), a => Assert.Equal(200, a.PowerTarget.Watts, precision: 6));
    }

    [Theory]
    [InlineData(604, 600)]
    [InlineData(594, 600)]
    [InlineData(607, 607)]
    [InlineData(590, 590)]
    public void Assign_PowerTargetWithinTheDeadband_KeepsTheCurrentTarget(double plannedWatts, double expectedWatts)
    {
        // liquid-h100: max 700 W, so the deadband is max(5 W, 7 W) = 7 W.
        var site = Site(liquid: 4);
        var fleet = new DispatchFleet(site, (_, _) => "mining");
        foreach (var gpu in fleet.States)
        {
            fleet.Set(gpu.GpuId, "mining", Power.FromWatts(600));
        }

        var assignments = new GpuDispatcher(site).Assign(DispatchFleet.Slot(Alloc("mining", 4, plannedWatts)),
            fleet.States, _time.GetUtcNow(), Until, 1);

        Assert.All(assignments, a => Assert.Equal(expectedWatts, a.PowerTarget.Watts, precision: 6));
    }

    [Fact]
    public void Assign_DwellKeepsMoreGpusThanThePowerHoldsAtMinimum_SurplusGoesIdle()
    {
        var site = Site(liquid: 10);
        var fleet = new DispatchFleet(site);
        var dispatcher = new GpuDispatcher(site);
        Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc("mining", 10, 600)));
        _time.Advance(TimeSpan.FromMinutes(1));

        // Mining keeps 1.25 kW: at the 200 W minimum that holds 6 GPUs, not the 10 that dwell would keep.
        var assignments = Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc("mining", 5, 250), Alloc(Acme, 5, 500)));

        var mining = assignments.Where(a => a.Workload == "mining").ToList();
        Assert.Equal(6, mining.Count);
        Assert.True(mining.Sum(a => a.PowerTarget.Watts) <= 1250 + 1e-6);
        Assert.All(mining, a => Assert.InRange(a.PowerTarget.Watts, 200, 700));
        Assert.Equal(4, assignments.Count(a => a.Workload is null));
        Assert.Contains(dispatcher.Explanations, e => e.Contains("cannot hold more GPUs at the 200 W minimum", StringComparison.Ordinal));
    }

    [Fact]
    public void Assign_ShedSteps_FollowWorkloadAndTheTenantsSla()
    {
        var site = Site(liquid: 60, sla: 10);
        var fleet = new DispatchFleet(site);

        var assignments = new GpuDispatcher(site).Assign(
            DispatchFleet.Slot(Alloc(Acme, 30, 500), Alloc("mining", 20, 600), Alloc("heater", 5, 300)),
            fleet.States, _time.GetUtcNow(), Until, 1);

        Assert.Equal(10, assignments.Count(a => a.Shed == ShedStep.InferenceSla));
        Assert.Equal(20, assignments.Count(a => a.Shed == ShedStep.InferenceAboveSla));
        Assert.All(assignments.Where(a => a.Workload == "mining"), a => Assert.Equal(ShedStep.Mining, a.Shed));
        Assert.All(assignments.Where(a => a.Workload == "heater"), a => Assert.Equal(ShedStep.Heater, a.Shed));
        Assert.All(assignments.Where(a => a.Workload is null), a => Assert.Null(a.Shed));
    }

    [Fact]
    public void Assign_TenantShrinks_ItsSlaGpusStayAndKeepTheirLabel()
    {
        var site = Site(liquid: 40, sla: 10);
        var fleet = new DispatchFleet(site);
        var dispatcher = new GpuDispatcher(site);
        var first = Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc(Acme, 10, 500)));
        var sla = first.Where(a => a.Shed == ShedStep.InferenceSla).Select(a => a.GpuId).ToHashSet();
        _time.Advance(TimeSpan.FromMinutes(20));
        Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc(Acme, 30, 500)));
        _time.Advance(TimeSpan.FromMinutes(20));

        var shrunk = Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc(Acme, 12, 500), Alloc("mining", 28, 600)));

        Assert.Equal(10, sla.Count);
        Assert.All(sla, id => Assert.Equal(ShedStep.InferenceSla, shrunk.Single(a => a.GpuId == id).Shed));
        Assert.Equal(12, shrunk.Count(a => a.Workload == Acme));
    }

    [Fact]
    public void Assign_SlaShortAndOnlyGpusWithinDwellLeft_SlaOutranksDwell()
    {
        var site = Site(liquid: 20, sla: 4);
        var fleet = new DispatchFleet(site);
        var dispatcher = new GpuDispatcher(site);
        Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc("mining", 20, 600)));
        _time.Advance(TimeSpan.FromMinutes(1));

        var assignments = Dispatch(dispatcher, fleet, DispatchFleet.Slot(Alloc("mining", 14, 600), Alloc(Acme, 6, 500)));

        Assert.Equal(4, assignments.Count(a => a.Workload == Acme));
        Assert.Equal(16, assignments.Count(a => a.Workload == "mining"));
        Assert.Contains("4 GPUs of liquid-h100 leave mining before their minimum dwell (15 min) to keep acme-inference at its SLA of 4 GPUs",
            dispatcher.Explanations);
    }

    [Fact]
    public void Assign_OfflineGpus_GetNothingAndTheirShareStaysWithThem()
    {
        var site = Site(liquid: 100);
        var fleet = new DispatchFleet(site, (_, i) => i < 40 ? Acme : "mining");
        var offline = fleet.On("mining").Take(5).ToHashSet();
        var dispatcher = new GpuDispatcher(site);

        var assignments = dispatcher.Assign(DispatchFleet.Slot(Alloc(Acme, 40, 500), Alloc("mining", 60, 600)),
            fleet.States, _time.GetUtcNow(), Until, 1, offline);

        Assert.Equal(95, assignments.Count);
        Assert.DoesNotContain(assignments, a => offline.Contains(a.GpuId));
        Assert.Equal(55, assignments.Count(a => a.Workload == "mining"));
        Assert.All(assignments.Where(a => a.Workload == "mining"), a => Assert.Equal(600, a.PowerTarget.Watts, precision: 6));
        Assert.Equal(40, assignments.Count(a => a.Workload == Acme));
        Assert.Equal(5, dispatcher.LastCall.Offline);
        Assert.Contains(dispatcher.Explanations, e => e.StartsWith("5 GPUs of liquid-h100 on mining are offline", StringComparison.Ordinal));
    }

    [Fact]
    public void Assign_OfflineIdleGpus_TheLeastProtectedWorkloadGivesWay()
    {
        var site = Site(liquid: 10);
        var fleet = new DispatchFleet(site);
        var offline = fleet.States.Take(2).Select(g => g.GpuId).ToHashSet();

        var assignments = new GpuDispatcher(site).Assign(DispatchFleet.Slot(Alloc(Acme, 5, 500), Alloc("mining", 5, 600)),
            fleet.States, _time.GetUtcNow(), Until, 1, offline);

        Assert.Equal(5, assignments.Count(a => a.Workload == Acme));
        Assert.Equal(3, assignments.Count(a => a.Workload == "mining"));
        Assert.True(assignments.Where(a => a.Workload == "mining").Sum(a => a.PowerTarget.Watts) <= 3 * 600 + 1e-6);
    }

    internal static Site Site(int liquid, int air = 0, int sla = 0)
    {
        var site = TestSites.Bathhouse();
        var acme = site.Workloads.OfType<InferenceWorkload>().Single() with { SlaMinGpus = sla };
        return site with
        {
            Pools = [site.Pools[0] with { Count = liquid }, site.Pools[1] with { Count = air }],
            Workloads = [acme, .. site.Workloads.Where(w => w is not InferenceWorkload)],
        };
    }

    private static PoolAllocation Alloc(string workload, int gpus, double wattsPerGpu) =>
        new(Pool, workload, Power.FromWatts(gpus * wattsPerGpu), gpus);

    private IReadOnlyList<GpuAssignment> Dispatch(GpuDispatcher dispatcher, DispatchFleet fleet, PlanSlot? slot)
    {
        var now = _time.GetUtcNow();
        var assignments = dispatcher.Assign(slot, fleet.States, now, now + TimeSpan.FromSeconds(10), 1);
        fleet.Apply(assignments, now);
        return assignments;
    }
}
