using Energy.Contracts.Agents;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Gpu.Devices;
using Energy.Gpu.Simulation;
using Energy.Scheduler.Dispatch;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Dispatch;

public sealed class CapGuardTests
{
    private static readonly DateTimeOffset ValidUntil = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Order_RandomTargetsAndDeliveryOrders_CommandedSumNeverExceedsTheCap()
    {
        // A cap well below what the random targets ask for, so that the guard has to act every step.
        var site = TestSites.BathhouseWith("importCapKw: 900", "importCapKw: 400");
        var time = new FakeTimeProvider();
        var gpus = SimulatedFleet.ForSite(site, time);
        var byId = gpus.ToDictionary(g => g.Id);
        var random = new Random(7);
        for (var step = 0; step < 60; step++)
        {
            // Wanted targets deliberately ignore the cap: the guard alone must hold it.
            var wanted = gpus.Select(g => new GpuAssignment(g.Id, random.Next(3) == 0 ? null : "mining",
                Power.FromWatts(random.Next(0, 800)), ValidUntil, 1)).OrderBy(_ => random.Next()).ToList();

            var (send, _) = CapGuard.Order(site, wanted, gpus.Select(g => g.Read()).ToList());
            var total = Commanded(site, gpus);
            foreach (var a in send)
            {
                var gpu = byId[a.GpuId];
                var before = Grid(site, gpu.Read());
                gpu.Apply(a.Workload, a.PowerTarget);
                total += Grid(site, gpu.Read()) - before;
                Assert.True(total <= site.Grid.ImportCap.Watts + 1e-6, $"step {step}: over the cap after {a.GpuId}");
            }

            Assert.Equal(Commanded(site, gpus), total, precision: 3);

            time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void Order_DecreasesComeBeforeIncreases()
    {
        var site = TestSites.Bathhouse();
        var gpus = SimulatedFleet.ForSite(site, new FakeTimeProvider());
        var up = gpus.First(g => g.Pool == "air-l40s");
        var down = gpus.First(g => g.Pool == "liquid-h100");
        down.Apply("mining", Power.FromWatts(700));

        var (send, held) = CapGuard.Order(site,
            [new(up.Id, "mining", Power.FromWatts(350), ValidUntil, 1), new(down.Id, null, Power.FromWatts(80), ValidUntil, 1)],
            [up.Read(), down.Read()]);

        Assert.Equal(0, held);
        Assert.Equal([down.Id, up.Id], send.Select(a => a.GpuId));
    }

    [Fact]
    public void Order_IncreaseBeyondTheRampLimit_IsHeldAndTheGpuKeepsItsAssignmentRenewed()
    {
        var site = TestSites.Bathhouse();
        var gpus = SimulatedFleet.ForSite(site, new FakeTimeProvider()).Take(10).ToList();
        var wanted = gpus.Select(g => new GpuAssignment(g.Id, "mining", Power.FromWatts(700), ValidUntil, 3)).ToList();

        var (send, held) = CapGuard.Order(site, wanted, gpus.Select(g => g.Read()).ToList(), maxIncrease: Power.FromWatts(2000));

        Assert.Equal(7, held);   // (700 − 80) W × 1.04 per GPU: three fit in 2 kW
        Assert.Equal(3, send.Count(a => a.Workload == "mining"));
        Assert.All(send.Where(a => a.Workload is null), a => Assert.Equal(80, a.PowerTarget.Watts));
        Assert.All(send, a => Assert.Equal(ValidUntil, a.ValidUntil));
    }

    private static double Commanded(Site site, IEnumerable<IGpuDevice> gpus) =>
        site.Grid.BaseLoad.Watts + gpus.Sum(g => Grid(site, g.Read()));

    /// <summary>What a GPU may draw from the grid: the higher of target and actual power, with cooling.</summary>
    private static double Grid(Site site, GpuState g) => Power.Max(g.PowerTarget, g.Power).Watts * (1 + site.Pool(g.Pool).CoolingOverhead);
}
