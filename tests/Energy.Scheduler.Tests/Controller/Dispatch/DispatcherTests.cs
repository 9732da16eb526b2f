using Energy.Contracts.Agents;
using Energy.Contracts.Planning;
using Energy.Contracts.Units;
using Energy.Gpu.Simulation;
using Energy.Scheduler.Controller.Dispatch;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller.Dispatch;

public sealed class DispatcherTests
{
    private static readonly DateTimeOffset ValidUntil = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Assign_PoolAllocations_GivesEachWorkloadItsGpuCountAtItsPower()
    {
        var site = TestSites.Bathhouse();
        var gpus = SimulatedFleet.ForSite(site, new FakeTimeProvider()).Select(g => g.Read()).ToList();
        var slot = Slot(new PoolAllocation("liquid-h100", "acme-inference", Power.FromKilowatts(70), 100),
            new PoolAllocation("liquid-h100", "mining", Power.FromKilowatts(35), 50));

        var assignments = Dispatcher.Assign(site, slot, gpus, ValidUntil, epoch: 1);

        Assert.Equal(site.TotalGpus, assignments.Count);
        Assert.Equal(100, assignments.Count(a => a.Workload == "acme-inference"));
        Assert.Equal(50, assignments.Count(a => a.Workload == "mining"));
        Assert.All(assignments.Where(a => a.Workload is not null), a => Assert.Equal(700, a.PowerTarget.Watts, precision: 6));
        Assert.All(assignments.Where(a => a.Workload is null && a.GpuId.StartsWith("air", StringComparison.Ordinal)),
            a => Assert.Equal(35, a.PowerTarget.Watts));
    }

    [Fact]
    public void Assign_SmallerAllocation_KeepsGpusOnTheirWorkloadAndMovesTheFewestPossible()
    {
        var site = TestSites.Bathhouse();
        var gpus = SimulatedFleet.ForSite(site, new FakeTimeProvider());
        var first = Dispatcher.Assign(site, Slot(new PoolAllocation("liquid-h100", "mining", Power.FromKilowatts(70), 100)),
            gpus.Select(g => g.Read()).ToList(), ValidUntil, 1);
        foreach (var a in first)
        {
            gpus.Single(g => g.Id == a.GpuId).Apply(a.Workload, a.PowerTarget);
        }

        var second = Dispatcher.Assign(site, Slot(
                new PoolAllocation("liquid-h100", "mining", Power.FromKilowatts(56), 80),
                new PoolAllocation("liquid-h100", "acme-inference", Power.FromKilowatts(14), 20)),
            gpus.Select(g => g.Read()).ToList(), ValidUntil, 2);

        var before = first.ToDictionary(a => a.GpuId, a => a.Workload);
        var stillMining = second.Where(a => a.Workload == "mining").Select(a => a.GpuId).ToList();
        Assert.Equal(80, stillMining.Count);
        Assert.All(stillMining, id => Assert.Equal("mining", before[id]));
        Assert.Equal(20, second.Count(a => a.Workload == "acme-inference"));
    }

    [Fact]
    public void Assign_NoSlot_SendsEveryGpuToIdle()
    {
        var site = TestSites.Bathhouse();
        var gpus = SimulatedFleet.ForSite(site, new FakeTimeProvider()).Select(g => g.Read()).ToList();

        var assignments = Dispatcher.Assign(site, slot: null, gpus, ValidUntil, 1);

        Assert.All(assignments, a => Assert.Null(a.Workload));
    }

    private static PlanSlot Slot(params PoolAllocation[] allocations) => new(
        ValidUntil, TimeSpan.FromHours(1), EnergyPrice.EurPerMwh(50), EnergyPrice.EurPerMwh(90), allocations, [],
        Power.Zero, [], []);

    internal static IReadOnlyList<GpuState> States(IEnumerable<Gpu.Devices.IGpuDevice> gpus) => gpus.Select(g => g.Read()).ToList();
}
