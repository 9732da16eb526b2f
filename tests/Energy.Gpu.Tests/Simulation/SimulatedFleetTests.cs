using Energy.Contracts.Units;
using Energy.Gpu.Simulation;
using Energy.TestSupport.Sites;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Simulation;

public class SimulatedFleetTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 7, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ForSite_TwoPools_OneGpuPerSiteGpuNamedPoolSlashIndex()
    {
        var site = TestSites.With(TestSites.Pool("hall-a", 3), TestSites.Pool("hall-b", 2, minW: 100, idleW: 35, maxW: 350));

        var gpus = SimulatedFleet.ForSite(site, _time);

        Assert.Equal(["hall-a/0", "hall-a/1", "hall-a/2", "hall-b/0", "hall-b/1"], gpus.Select(g => g.Id));
        Assert.Equal(["hall-a", "hall-a", "hall-a", "hall-b", "hall-b"], gpus.Select(g => g.Pool));
    }

    [Fact]
    public void ForSite_PoolLimits_CopiedToEachGpu()
    {
        var site = TestSites.With(TestSites.Pool("air-l40s", 2, minW: 100, idleW: 35, maxW: 350));

        var gpu = SimulatedFleet.ForSite(site, _time)[1];

        Assert.Equal((100, 35, 350), (gpu.MinPower.Watts, gpu.IdlePower.Watts, gpu.MaxPower.Watts));
        Assert.Equal("H100 SXM 80GB", gpu.Model);
        Assert.Equal(35, gpu.Read().Power.Watts);
    }

    [Fact]
    public void ForSite_Bathhouse_1280GpusWithUniqueIds()
    {
        var gpus = SimulatedFleet.ForSite(TestSites.Bathhouse(), _time);

        Assert.Equal(1_280, gpus.Count);
        Assert.Equal(1_280, gpus.Select(g => g.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1_024, gpus.Count(g => g.Pool == "liquid-h100"));
        Assert.Contains(gpus, g => g.Id == "liquid-h100/1023");
        Assert.Contains(gpus, g => g.Id == "air-l40s/255");
        Assert.DoesNotContain(gpus, g => g.Id == "air-l40s/256");
    }

    [Fact]
    public void ForSite_SharedClock_AllGpusFollowTheSameTime()
    {
        var gpus = SimulatedFleet.ForSite(TestSites.With(TestSites.Pool("p", 2)), _time);
        gpus[0].Apply("mining", Power.FromWatts(700));

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(700, gpus[0].Read().Power.Watts, 7.0);
        Assert.Equal(80, gpus[1].Read().Power.Watts);
        Assert.Equal(_time.GetUtcNow(), gpus[1].Read().Timestamp);
    }

    [Fact]
    public void ForSite_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => SimulatedFleet.ForSite(null!, _time));
    }
}
